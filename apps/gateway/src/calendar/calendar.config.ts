import type { GatewayConfig } from '@forewarn/config';
import type { OutboundPolicy } from '@forewarn/outbound';

export const CALENDAR_CONFIG = Symbol('CALENDAR_CONFIG');

export interface CalendarSettings {
  tickMs: number;
  windowDays: number;
  fetchTimeoutMs: number;
  maxBytes: number;
  /** Most events one feed may hold (GATEWAY_CALENDAR_MAX_EVENTS). */
  maxEvents: number;
  /** Hosts feeds may be on although not public (FOREWARN_OUTBOUND_ALLOW_HOSTS). */
  allowHosts: readonly string[];
}

/** The poller's settings from the gateway's config (GATEWAY_CALENDAR_* in libs/config). */
export function calendarSettings(
  config: Pick<GatewayConfig, 'GATEWAY_CALENDAR_TICK_MS' | 'GATEWAY_CALENDAR_WINDOW_DAYS' | 'GATEWAY_CALENDAR_FETCH_TIMEOUT_MS' | 'GATEWAY_CALENDAR_MAX_BYTES' | 'GATEWAY_CALENDAR_MAX_EVENTS' | 'FOREWARN_OUTBOUND_ALLOW_HOSTS'>,
): CalendarSettings {
  return {
    tickMs: config.GATEWAY_CALENDAR_TICK_MS,
    windowDays: config.GATEWAY_CALENDAR_WINDOW_DAYS,
    fetchTimeoutMs: config.GATEWAY_CALENDAR_FETCH_TIMEOUT_MS,
    maxBytes: config.GATEWAY_CALENDAR_MAX_BYTES,
    maxEvents: config.GATEWAY_CALENDAR_MAX_EVENTS,
    allowHosts: config.FOREWARN_OUTBOUND_ALLOW_HOSTS,
  };
}

/** Where a feed may be fetched from: public hosts (http or https, as calendar apps hand out), allowed hosts, or anywhere if registered so. */
export function feedPolicy(feed: { allowInternal: boolean }, settings: Pick<CalendarSettings, 'allowHosts'>): OutboundPolicy {
  return { allowPlainHttp: true, allowHosts: settings.allowHosts, allowInternal: feed.allowInternal };
}
