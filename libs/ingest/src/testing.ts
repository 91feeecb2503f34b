import { parseInboundEvent } from '@forewarn/contracts';
import type { MappedEvent, MapResult } from './types';

/** Test helper: the mapped events, each checked against the contract the gateway applies (future times refused too). */
export function validEvents(result: MapResult, receivedAt: Date, source = '/sources/test'): MappedEvent[] {
  if (result.status !== 'mapped') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  for (const event of result.events) {
    const valid = parseInboundEvent(event, { source, receivedAt, refuseFuture: true });
    if (!valid.ok) throw new Error(`${event.type} breaks the contract: ${JSON.stringify(valid.errors)}`);
  }
  return result.events;
}
