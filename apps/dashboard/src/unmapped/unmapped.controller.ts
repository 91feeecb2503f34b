import { Controller, Get, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { Problem } from '@forewarn/service-kit';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentUser } from '../auth/current-user.decorator';
import { type UnmappedGroup, UnmappedReadModel } from './unmapped.read-model';

export const mayReadUnmapped = (user: User): boolean => user.role === 'admin' || user.role === 'lead';

@Controller('api/unmapped')
@UseGuards(ApiAuthGuard)
export class UnmappedController {
  constructor(private readonly unmapped: UnmappedReadModel) {}

  /** Events whose account is not known yet, grouped by how they name it; for leads and admins. */
  @Get()
  groups(@CurrentUser() user: User): Promise<UnmappedGroup[]> {
    if (!mayReadUnmapped(user)) throw new Problem(403, 'Forbidden', 'Only sales leads and admins see unmapped events.');
    return this.unmapped.groups();
  }
}
