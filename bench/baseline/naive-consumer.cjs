#!/usr/bin/env node
// Baseline for the pipeline benchmark: how a NestJS user would naively write account-health.
// @nestjs/microservices' own Kafka transport (one message at a time, `eachMessage`), an
// `@EventPattern` handler, and TypeORM repositories with `save()` per message, no transaction.
// It does the same domain work per message as account-health does per batch — store the event
// (skipping duplicates), fold the case from all its events with the same `foldCase`, re-score
// the account with the same `assessHealth` — and less besides (no alerts, outbox, history,
// meetings or sweep), so the comparison flatters the baseline.
//
// It is plain JavaScript so the benchmark needs no compile step: the decorators (@Controller,
// @EventPattern, @Payload, @Ctx, @Inject) are applied as the functions they are.
require('reflect-metadata');
const { join } = require('node:path');
const { Controller, Inject, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Ctx, EventPattern, Payload, Transport } = require('@nestjs/microservices');
const { DataSource, EntitySchema } = require('typeorm');

const dist = (path) => require(join(__dirname, '..', '..', 'dist', path));
const { parseInboundEvent, accountKeyOf } = dist('libs/contracts/src/index.js');
const { foldCase, isOpen, assessHealth } = dist('libs/health/src/index.js');

const NaiveEvent = new EntitySchema({
  name: 'NaiveEvent',
  tableName: 'naive_events',
  columns: {
    source: { type: 'text', primary: true },
    id: { type: 'text', primary: true },
    type: { type: 'text' },
    accountKey: { type: 'text' },
    accountId: { type: 'text', nullable: true },
    subjectId: { type: 'text', nullable: true },
    time: { type: 'timestamptz' },
    seq: { type: 'bigint' },
    payload: { type: 'jsonb' },
  },
  indices: [{ name: 'naive_events_subject', columns: ['accountId', 'subjectId'] }],
});
const NaiveAccount = new EntitySchema({
  name: 'NaiveAccount',
  tableName: 'naive_accounts',
  columns: { id: { type: 'text', primary: true }, name: { type: 'text' }, ownerEmail: { type: 'text' }, team: { type: 'text', nullable: true } },
});
const NaiveCase = new EntitySchema({
  name: 'NaiveCase',
  tableName: 'naive_cases',
  columns: { accountId: { type: 'text', primary: true }, id: { type: 'text', primary: true }, state: { type: 'jsonb' }, isOpen: { type: 'boolean' } },
});
const NaiveHealth = new EntitySchema({
  name: 'NaiveHealth',
  tableName: 'naive_health',
  columns: { accountId: { type: 'text', primary: true }, score: { type: 'int' }, state: { type: 'text' }, reasons: { type: 'jsonb' }, openCases: { type: 'int' } },
});

class EventsController {
  constructor(db) {
    this.events = db.getRepository(NaiveEvent);
    this.accounts = db.getRepository(NaiveAccount);
    this.cases = db.getRepository(NaiveCase);
    this.health = db.getRepository(NaiveHealth);
  }

  async onEvent(payload, context) {
    const parsed = parseInboundEvent(payload, { receivedAt: new Date() });
    if (!parsed.ok) return; // a naive handler drops what it cannot read
    const event = parsed.value;
    if (await this.events.findOneBy({ source: event.source, id: event.id })) return;
    const key = accountKeyOf(event);
    const upsert = event.type === 'forewarn.account.upserted';
    const accountId = upsert ? event.data.id : ((await this.accounts.findOneBy({ id: key }))?.id ?? null);
    const subjectId = event.data.case?.id ?? event.data.meeting?.id ?? null;
    await this.events.save({ source: event.source, id: event.id, type: event.type, accountKey: key, accountId, subjectId, time: event.time, seq: context.getMessage().offset, payload: event });
    if (upsert) {
      await this.accounts.save({ id: event.data.id, name: event.data.name, ownerEmail: event.data.owner.email, team: event.data.team ?? null });
      return;
    }
    const isCase = event.type.startsWith('forewarn.case.') || event.type === 'forewarn.survey.responded';
    if (!accountId || !subjectId || !isCase) return;
    const rows = await this.events.find({ where: { accountId, subjectId }, order: { time: 'ASC', seq: 'ASC' } });
    const facts = rows.filter((r) => r.type.startsWith('forewarn.case.') || r.type === 'forewarn.survey.responded').map((r) => ({ type: r.type, time: new Date(r.time).toISOString(), seq: Number(r.seq), key: `${r.source}|${r.id}`, data: r.payload.data }));
    const state = foldCase(subjectId, facts);
    await this.cases.save({ accountId, id: subjectId, state, isOpen: isOpen(state) });
    const cases = await this.cases.findBy({ accountId });
    const assessment = assessHealth(cases.map((c) => c.state), new Date());
    await this.health.save({ accountId, score: assessment.score, state: assessment.state, reasons: assessment.reasons, openCases: assessment.openCases });
  }
}
Inject('DB')(EventsController, undefined, 0);
const TOPIC = `${process.env.FOREWARN_TOPIC_PREFIX}events.v1`;
Payload()(EventsController.prototype, 'onEvent', 0);
Ctx()(EventsController.prototype, 'onEvent', 1);
Reflect.decorate([EventPattern(TOPIC)], EventsController.prototype, 'onEvent', Object.getOwnPropertyDescriptor(EventsController.prototype, 'onEvent'));
Controller()(EventsController);

class NaiveModule {}
Module({
  controllers: [EventsController],
  providers: [{
    provide: 'DB',
    useFactory: async () => {
      const db = new DataSource({ type: 'postgres', url: process.env.NAIVE_DATABASE_URL, entities: [NaiveEvent, NaiveAccount, NaiveCase, NaiveHealth], synchronize: true, extra: { max: 10 } });
      return db.initialize();
    },
  }],
})(NaiveModule);

async function main() {
  const app = await NestFactory.create(NaiveModule, { logger: ['error', 'warn'] });
  app.connectMicroservice({
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'bench-naive', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: 1 },
      consumer: { groupId: `${process.env.FOREWARN_TOPIC_PREFIX}naive` },
      subscribe: { fromBeginning: true },
      run: { autoCommit: true },
    },
  });
  await app.startAllMicroservices();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  app.enableShutdownHooks();
}
main();
