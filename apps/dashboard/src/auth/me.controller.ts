import { Controller, Get, UseGuards } from '@nestjs/common';
import type { User } from '@forewarn/database';
import { ApiAuthGuard } from './auth.guard';
import { CurrentUser } from './current-user.decorator';

@Controller('api/me')
@UseGuards(ApiAuthGuard)
export class MeController {
  /** Who the token or session belongs to. */
  @Get()
  me(@CurrentUser() user: User): User {
    return { email: user.email, name: user.name, role: user.role, team: user.team };
  }
}
