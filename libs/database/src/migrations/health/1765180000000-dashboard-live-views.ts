import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the dashboard's new pages read of account-health (issue 16), as views account-health owns:
 *
 * - `account_health_view.risk_points`: the points every reason took off, added up. The score stops
 *   at 0, the risk does not, so two firestorms at 0/100 can be told apart (120 points past zero
 *   against 15). The overview ranks by it after the score; the risk index gains it as its third key
 *   in the same order, so the first page is still read from the index.
 * - `alerts_view.meeting_id`: which meeting a briefing was for ("my week": did the briefing go out).
 * - `events_view.id`: the event's own id, which a backtest needs to tell events apart.
 * - `policy_in_use_view`: the health policy account-health runs with (the policy page, backtests).
 */
export class DashboardLiveViews1765180000000 implements MigrationInterface {
  name = 'DashboardLiveViews1765180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION health.risk_points(reasons jsonb) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(sum((r->>'weight')::numeric), 0)::int
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(reasons) = 'array' THEN reasons ELSE '[]' END) r
        WHERE jsonb_typeof(r->'weight') = 'number'
      $$`);
    await q.query(`
      CREATE OR REPLACE VIEW health.account_health_view AS
      SELECT account_id, score, state, reasons, open_cases, open_escalations, updated_at, health.risk_points(reasons) AS risk_points FROM health.account_health`);
    await q.query(`DROP INDEX health.account_health_at_risk`);
    await q.query(`
      CREATE INDEX account_health_at_risk ON health.account_health
        ((CASE state WHEN 'firestorm' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END), score, health.risk_points(reasons) DESC)
        WHERE state <> 'healthy' OR score < 100`);
    await q.query(`
      CREATE OR REPLACE VIEW health.alerts_view AS
      SELECT id, account_id, kind, state, previous_state, score, reasons->0->>'label' AS headline, created_at, meeting_id FROM health.alerts`);
    await q.query(`
      CREATE OR REPLACE VIEW health.events_view AS
      SELECT source, seq, type, account_key, account_id, time, payload->'data' AS data, id FROM health.events`);
    await q.query(`CREATE VIEW health.policy_in_use_view AS SELECT version, policy, source, since FROM health.policy_in_use`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW health.policy_in_use_view`);
    await q.query(`DROP VIEW health.events_view`);
    await q.query(`CREATE VIEW health.events_view AS SELECT source, seq, type, account_key, account_id, time, payload->'data' AS data FROM health.events`);
    await q.query(`DROP VIEW health.alerts_view`);
    await q.query(`
      CREATE VIEW health.alerts_view AS
      SELECT id, account_id, kind, state, previous_state, score, reasons->0->>'label' AS headline, created_at FROM health.alerts`);
    await q.query(`DROP INDEX health.account_health_at_risk`);
    await q.query(`
      CREATE INDEX account_health_at_risk ON health.account_health
        ((CASE state WHEN 'firestorm' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END), score)
        WHERE state <> 'healthy' OR score < 100`);
    await q.query(`DROP VIEW health.account_health_view`);
    await q.query(`CREATE VIEW health.account_health_view AS SELECT account_id, score, state, reasons, open_cases, open_escalations, updated_at FROM health.account_health`);
    await q.query(`DROP FUNCTION health.risk_points(jsonb)`);
  }
}
