import type { GatewayConfig } from '@forewarn/config';

export const CALENDAR_CONFIG = Symbol('CALENDAR_CONFIG');

export interface CalendarSettings {
  tickMs: number;
  windowDays: number;
  fetchTimeoutMs: number;
  maxBytes: number;
}

/** The poller's settings from the gateway's config (GATEWAY_CALENDAR_* in libs/config). */
export function calendarSettings(config: Pick<GatewayConfig, 'GATEWAY_CALENDAR_TICK_MS' | 'GATEWAY_CALENDAR_WINDOW_DAYS' | 'GATEWAY_CALENDAR_FETCH_TIMEOUT_MS' | 'GATEWAY_CALENDAR_MAX_BYTES'>): CalendarSettings {
  return {
    tickMs: config.GATEWAY_CALENDAR_TICK_MS,
    windowDays: config.GATEWAY_CALENDAR_WINDOW_DAYS,
    fetchTimeoutMs: config.GATEWAY_CALENDAR_FETCH_TIMEOUT_MS,
    maxBytes: config.GATEWAY_CALENDAR_MAX_BYTES,
  };
}
