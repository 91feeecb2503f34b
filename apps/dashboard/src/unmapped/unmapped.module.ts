import { Module } from '@nestjs/common';
import { UnmappedReadModule } from '@forewarn/database';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { UnmappedController, UnmappedPageController } from './unmapped.controller';
import { UnmappedMapping } from './unmapped.service';

/** Events whose account is not known yet, for leads and admins to map to an account. */
@Module({
  imports: [AuthModule, WebModule, UnmappedReadModule],
  controllers: [UnmappedController, UnmappedPageController],
  providers: [UnmappedMapping],
})
export class UnmappedModule {}
