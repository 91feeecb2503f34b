import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebModule } from '../web/web.module';
import { WeekController } from './week.controller';
import { WeekReadModel } from './week.read-model';

/** "My week": a rep's meetings with what to do before each; for a lead, the fires nobody picked up. */
@Module({
  imports: [AuthModule, WebModule],
  controllers: [WeekController],
  providers: [WeekReadModel],
})
export class WeekModule {}
