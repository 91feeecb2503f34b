import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One PostgreSQL schema per service (DESIGN.md): gateway, health, notifier, dashboard. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS health`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS notifier`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS dashboard`);

    await q.query(`
      CREATE TABLE gateway.sources (
        name            text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,99}$'),
        kind            text NOT NULL CHECK (kind IN ('events', 'zendesk', 'jira', 'freshdesk', 'servicenow')),
        api_key_hash    text NOT NULL UNIQUE,
        signing_secret  text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);

    // The event store: unique on source+id, so redelivery and re-sending are no-ops.
    await q.query(`
      CREATE TABLE health.events (
        source       text NOT NULL,
        id           text NOT NULL,
        seq          bigserial NOT NULL,
        type         text NOT NULL,
        account_key  text NOT NULL,
        account_id   text,
        subject_id   text,
        time         timestamptz NOT NULL,
        received_at  timestamptz NOT NULL,
        payload      jsonb NOT NULL,
        PRIMARY KEY (source, id)
      )`);
    await q.query(`CREATE INDEX events_by_subject ON health.events (account_id, subject_id, time, seq) WHERE subject_id IS NOT NULL`);
    await q.query(`CREATE INDEX events_by_account_time ON health.events (account_id, time DESC)`);
    await q.query(`CREATE INDEX events_unmapped ON health.events (account_key) WHERE account_id IS NULL`);

    await q.query(`
      CREATE TABLE health.accounts (
        id               text PRIMARY KEY,
        name             text NOT NULL,
        domains          text[] NOT NULL DEFAULT '{}',
        external_refs    jsonb NOT NULL DEFAULT '[]',
        owner_name       text,
        owner_email      text NOT NULL,
        team             text,
        lead_name        text,
        lead_email       text,
        members          jsonb NOT NULL DEFAULT '[]',
        tier             text,
        arr              numeric,
        renewal_date     text,
        timezone         text,
        source_time      timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX accounts_domains ON health.accounts USING gin (domains)`);
    await q.query(`CREATE INDEX accounts_external_refs ON health.accounts USING gin (external_refs jsonb_path_ops)`);
    await q.query(`CREATE INDEX accounts_owner ON health.accounts (owner_email)`);
    await q.query(`CREATE INDEX accounts_team ON health.accounts (team)`);

    await q.query(`
      CREATE TABLE health.cases (
        account_id        text NOT NULL,
        id                text NOT NULL,
        title             text,
        url               text,
        severity          smallint,
        status            text NOT NULL,
        escalation_level  smallint NOT NULL DEFAULT 0,
        product           text,
        assignee          text,
        opened_at         timestamptz,
        last_activity_at  timestamptz,
        resolved_at       timestamptz,
        is_open           boolean NOT NULL,
        state             jsonb NOT NULL,
        updated_at        timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, id)
      )`);
    await q.query(`CREATE INDEX cases_open ON health.cases (account_id) WHERE is_open`);

    await q.query(`
      CREATE TABLE health.meetings (
        account_id   text NOT NULL,
        id           text NOT NULL,
        title        text,
        starts_at    timestamptz,
        ends_at      timestamptz,
        kind         text,
        organizer    jsonb,
        attendees    jsonb NOT NULL DEFAULT '[]',
        cancelled    boolean NOT NULL DEFAULT false,
        source_time  timestamptz NOT NULL,
        PRIMARY KEY (account_id, id)
      )`);
    await q.query(`CREATE INDEX meetings_upcoming ON health.meetings (starts_at) WHERE NOT cancelled`);

    await q.query(`
      CREATE TABLE health.account_health (
        account_id        text PRIMARY KEY,
        score             smallint NOT NULL,
        state             text NOT NULL CHECK (state IN ('healthy', 'watch', 'at_risk', 'firestorm')),
        reasons           jsonb NOT NULL,
        open_cases        integer NOT NULL,
        open_escalations  integer NOT NULL,
        alerted_state     text,
        updated_at        timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX account_health_risk ON health.account_health (score, account_id)`);

    await q.query(`
      CREATE TABLE health.health_history (
        id          bigserial PRIMARY KEY,
        account_id  text NOT NULL,
        at          timestamptz NOT NULL,
        score       smallint NOT NULL,
        state       text NOT NULL
      )`);
    await q.query(`CREATE INDEX health_history_by_account ON health.health_history (account_id, at)`);

    await q.query(`
      CREATE TABLE health.alerts (
        id              uuid PRIMARY KEY,
        account_id      text NOT NULL,
        kind            text NOT NULL,
        state           text NOT NULL,
        previous_state  text,
        score           smallint NOT NULL,
        reasons         jsonb NOT NULL,
        created_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX alerts_by_account ON health.alerts (account_id, created_at DESC)`);

    // Transactional outbox: written in the same transaction as the projections, published by a relay.
    await q.query(`
      CREATE TABLE health.outbox (
        id          bigserial PRIMARY KEY,
        topic       text NOT NULL,
        key         text NOT NULL,
        value       jsonb NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE notifier.notifications (
        id               bigserial PRIMARY KEY,
        alert_id         text NOT NULL,
        recipient        text NOT NULL,
        recipient_name   text,
        account_id       text NOT NULL,
        kind             text NOT NULL,
        status           text NOT NULL CHECK (status IN ('pending', 'sent', 'retrying', 'failed', 'superseded')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_error       text,
        smtp_response    text,
        message_id       text,
        alert            jsonb NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        sent_at          timestamptz,
        UNIQUE (alert_id, recipient)
      )`);
    await q.query(`CREATE INDEX notifications_due ON notifier.notifications (next_attempt_at) WHERE status IN ('pending', 'retrying')`);
    await q.query(`CREATE INDEX notifications_by_account ON notifier.notifications (account_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE dashboard.users (
        email          text PRIMARY KEY,
        name           text,
        role           text NOT NULL CHECK (role IN ('rep', 'lead', 'admin')),
        team           text,
        token_hash     text NOT NULL UNIQUE,
        password_hash  text,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE dashboard.sessions (
        id_hash     text PRIMARY KEY,
        email       text NOT NULL REFERENCES dashboard.users (email) ON DELETE CASCADE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS dashboard CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS notifier CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS health CASCADE`);
    await q.query(`DROP SCHEMA IF EXISTS gateway CASCADE`);
  }
}
