import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { UnmappedController, UnmappedPageController } from './unmapped.controller';
import { UnmappedReadModel } from './unmapped.read-model';

/** Events whose account is not known yet, for leads and admins to map. */
@Module({
  imports: [AuthModule, WebModule],
  controllers: [UnmappedController, UnmappedPageController],
  providers: [UnmappedReadModel],
})
export class UnmappedModule {}
