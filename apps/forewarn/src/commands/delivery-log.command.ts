import {
  AuditLog, cliActor, DeliveriesRepository, DELIVERY_OUTCOMES, type DeliveryLogEntry, DeliveryLogReadModel, type DeliveryOutcome, type DeliveryProblem, GatewayDataModule, SourcesRepository,
} from '@forewarn/database';
import type { InboundEvent } from '@forewarn/contracts';
import { type Delivery, type DeliveryMapper, deliveryMapperOf, type DeliveryRefusal, type DeliverySource, mapDelivery, MappingCache, validateDelivery } from '@forewarn/ingest';
import type { Command } from 'commander';
import { CliError, printJson, withApp } from '../cli-support';
import { withEventsPublisher } from './events-publisher';

/** What `forewarn source redeliver` did. */
export interface RedeliverySummary {
  source: string;
  /** The kept delivery that was run again. */
  delivery: string;
  /** Its new entry in the delivery log (`redeliveryOf` names the first). */
  redelivery: string;
  outcome: DeliveryOutcome;
  status: number;
  accepted: number;
  ids: string[];
  ignored: { reason: string }[];
  problem?: DeliveryProblem;
}

/** The largest number of events one delivery may yield, as the gateway's GATEWAY_MAX_BATCH says (1000 unless set). */
const maxEvents = (): number => Math.min(10_000, Math.max(1, Number.parseInt(process.env.GATEWAY_MAX_BATCH ?? '', 10) || 1_000));

const problemOf = (refusal: DeliveryRefusal): DeliveryProblem => ({
  title: refusal.title, detail: refusal.detail,
  ...(refusal.extra?.errors ? { errors: refusal.extra.errors as DeliveryProblem['errors'] } : {}),
  ...(refusal.extra?.mappingError ? { mappingError: refusal.extra.mappingError } : {}),
});

export function registerDeliveryLogCommands(source: Command): void {
  source
    .command('log <name>')
    .description('the last webhook deliveries of a source, newest first, as JSON: time, outcome (accepted, ignored, rejected with its status), the events they produced, why anything was ignored or refused, and the body (secrets stripped, cut at 64 KiB); kept for 7 days')
    .option('--limit <n>', 'at most this many (1–1000)', '20')
    .option('--outcome <outcome>', `only ${DELIVERY_OUTCOMES.join(', ')} deliveries`)
    .option('--before <id>', 'deliveries older than this one (the next page)')
    .option('--no-body', 'leave the bodies out')
    .action(async (name: string, options: { limit: string; outcome?: string; before?: string; body: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new CliError(`--limit must be a whole number from 1 to 1000, not "${options.limit}"`);
      if (options.outcome !== undefined && !(DELIVERY_OUTCOMES as readonly string[]).includes(options.outcome)) throw new CliError(`--outcome must be one of ${DELIVERY_OUTCOMES.join(', ')}, not "${options.outcome}"`);
      if (options.before !== undefined && !/^[1-9]\d{0,17}$/.test(options.before)) throw new CliError(`--before must be the id of a delivery, not "${options.before}"`);
      const entries = await withApp([GatewayDataModule], async (app) => {
        const found = await app.get(DeliveryLogReadModel).list(name, { limit, outcome: options.outcome as DeliveryOutcome | undefined, before: options.before, withoutBodies: !options.body });
        if (found.length === 0 && !(await app.get(SourcesRepository).findByName(name))) throw new CliError(`there is no source named "${name}"`);
        return found;
      });
      printJson(entries.map((entry: DeliveryLogEntry) => (options.body ? entry : (({ body: _body, ...rest }) => rest)(entry))));
    });

  source
    .command('redeliver <name> <delivery-id>')
    .description('run a kept delivery (forewarn source log) through the source\'s mapping and settings as they are now, e.g. after fixing them, and publish what it yields; event ids are deterministic, so what was accepted before changes nothing downstream')
    .action(async (name: string, id: string) => {
      const summary = await redeliver(name, id);
      printJson(summary);
      if (summary.outcome === 'rejected') throw new CliError(`the delivery was refused again (${summary.status}): ${summary.problem?.detail ?? ''}`);
    });
}

type MapAgain =
  | { ok: true; events: InboundEvent[]; ignored: { reason: string }[]; answer: DeliveryMapper['answer'] }
  | { ok: false; refusal: DeliveryRefusal };

/** A delivery through its source's mapper, the contract and the allowance, as the gateway's pipeline takes it. */
async function mapAgain(source: DeliverySource, delivery: Delivery): Promise<MapAgain> {
  const mapper = deliveryMapperOf(source, new MappingCache());
  if (!mapper.ok) return mapper;
  const mapped = await mapDelivery(mapper.mapper, source, delivery);
  if (!mapped.ok) return mapped;
  const valid = validateDelivery(mapped.events, source, delivery.receivedAt, maxEvents());
  if (!valid.ok) return valid;
  return { ok: true, events: valid.events, ignored: mapped.ignored, answer: mapper.mapper.answer };
}

/**
 * Runs a kept delivery again: the body as the delivery log kept it, the headers it came with and
 * the time it was received, through the source's mapper as it is now (`libs/ingest`'s
 * `mapDelivery`, exactly as the gateway's pipeline runs it), the contract and the source's
 * allowance; publishes the events and logs the redelivery (`redeliveryOf`) and an audit entry.
 */
export async function redeliver(name: string, id: string): Promise<RedeliverySummary> {
  return withApp([GatewayDataModule], async (app) => {
    const source = await app.get(SourcesRepository).findByName(name);
    if (!source) throw new CliError(`there is no source named "${name}"`);
    const kept = await app.get(DeliveriesRepository).find(name, id);
    if (!kept) throw new CliError(`source "${name}" has no delivery ${id} (deliveries are kept for 7 days; see forewarn source log ${name})`);
    if (kept.body === null || kept.truncated) {
      throw new CliError(`delivery ${id} was kept without its whole body (${kept.bytes} bytes; the log keeps up to GATEWAY_DELIVERY_LOG_MAX_BODY_BYTES), so it cannot be run again: have ${kept.kind} send it again`);
    }
    const receivedAt = new Date(kept.at);
    const mediaType = kept.mediaType ?? undefined;
    const run = await mapAgain(source, { rawBody: Buffer.from(kept.body, 'utf8'), mediaType, headers: kept.headers, receivedAt });
    if (run.ok && run.events.length > 0) await withEventsPublisher((publish) => publish(run.events, kept.correlationId ?? `redelivery-${id}`));
    const ids = run.ok ? run.events.map((event) => event.id) : [];
    const ignored = run.ok ? run.ignored : [];
    const outcome: DeliveryOutcome = !run.ok ? 'rejected' : ids.length > 0 ? 'accepted' : 'ignored';
    const status = run.ok ? run.answer({ accepted: ids.length, ids, ignored, mediaType }).status : run.refusal.status;
    const problem = run.ok ? undefined : problemOf(run.refusal);
    const [redelivery] = await app.get(DeliveriesRepository).record([{
      receivedAt: new Date(), source: name, kind: source.kind, outcome, status, eventIds: ids, ignored, problem: problem ?? null, mediaType: kept.mediaType, headers: kept.headers,
      body: kept.body, bodyBytes: Buffer.byteLength(kept.body), bodyTruncated: false, correlationId: kept.correlationId, redeliveryOf: id,
    }]);
    await app.get(AuditLog).record({ actor: cliActor(), action: 'source.redelivered', target: name, details: { delivery: id, redelivery, outcome, status, accepted: ids.length } });
    return { source: name, delivery: id, redelivery, outcome, status, accepted: ids.length, ids, ignored, ...(problem ? { problem } : {}) };
  });
}
