import { Module } from '@nestjs/common';
import type { GatewayConfig } from '@forewarn/config';
import { GatewayDataModule } from '@forewarn/database';
import { GATEWAY_CONFIG } from '../gateway.config';
import { CalendarPoller } from './calendar-poller';
import { CALENDAR_CONFIG, calendarSettings } from './calendar.config';

/** The calendar poller: registered iCalendar feeds → meeting events. */
@Module({
  imports: [GatewayDataModule],
  providers: [CalendarPoller, { provide: CALENDAR_CONFIG, useFactory: (config: GatewayConfig) => calendarSettings(config), inject: [GATEWAY_CONFIG] }],
})
export class CalendarModule {}
