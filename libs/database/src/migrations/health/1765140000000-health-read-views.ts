import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * account-health's read views (schema `health`, owned by account-health): what the dashboard may
 * read of accounts, their health, cases, meetings, score history, alerts and events, so that
 * account-health can change its tables as long as it keeps these. Plain views, not materialised:
 * PostgreSQL inlines them into the reader's query, so the overview still reads through the indexes
 * of OverviewIndexes1764520000000 (`accounts_view.member_emails` is the expression
 * `accounts_member_emails` indexes). A case's fold state stays private; its counts are columns.
 */
export class HealthReadViews1765140000000 implements MigrationInterface {
  name = 'HealthReadViews1765140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE VIEW health.accounts_view AS
      SELECT id, name, domains, owner_name, owner_email, team, lead_name, lead_email, members, health.member_emails(members) AS member_emails,
             tier, arr, renewal_date, timezone, updated_at
      FROM health.accounts`);
    await q.query(`
      CREATE VIEW health.account_health_view AS
      SELECT account_id, score, state, reasons, open_cases, open_escalations, updated_at FROM health.account_health`);
    await q.query(`
      CREATE VIEW health.cases_view AS
      SELECT account_id, id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open,
             COALESCE((state->>'handoffs')::int, 0) AS handoffs,
             COALESCE((state->>'reopenCount')::int, 0) AS reopen_count,
             COALESCE((state->>'slaBreaches')::int, 0) AS sla_breaches,
             CASE WHEN jsonb_typeof(state->'rejections') = 'array' THEN jsonb_array_length(state->'rejections') ELSE 0 END AS rejections
      FROM health.cases`);
    await q.query(`
      CREATE VIEW health.meetings_view AS
      SELECT account_id, id, title, starts_at, ends_at, kind, organizer, attendees, cancelled FROM health.meetings`);
    await q.query(`CREATE VIEW health.health_history_view AS SELECT id, account_id, at, score, state FROM health.health_history`);
    await q.query(`
      CREATE VIEW health.alerts_view AS
      SELECT id, account_id, kind, state, previous_state, score, reasons->0->>'label' AS headline, created_at FROM health.alerts`);
    // `account_id` is null while the event's account is unknown (`account_key` says how the event named it).
    await q.query(`
      CREATE VIEW health.events_view AS
      SELECT source, seq, type, account_key, account_id, time, payload->'data' AS data FROM health.events`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW health.events_view, health.alerts_view, health.health_history_view, health.meetings_view, health.cases_view,
                   health.account_health_view, health.accounts_view`);
  }
}
