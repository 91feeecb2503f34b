import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Where a state ranks in the overview's risk order, loudest first (the dashboard's `riskRank`). */
const RISK_RANK = `(CASE state WHEN 'firestorm' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END)`;
/** The overview's risk order after the rank: lowest score, most risk points, then by name. */
const RISK_ORDER = `${RISK_RANK}, score, risk_points DESC, sort_name, account_id`;
/** The rows the risk indexes hold: an account healthy at full score is not at risk (75 % of them). */
const AT_RISK = `state <> 'healthy' OR score < 100`;

/**
 * The overview's riskiest page for every reader from one index (issue 18: p95 < 50 ms at 100k
 * accounts). A lead's page read their 2,000 visible accounts (one heap block each), looked up each
 * one's health by key, and summed each one's risk points from its reasons (`health.risk_points`,
 * 2,000 calls: 36 of the query's 50 ms), then sorted them all for the first 100.
 *
 * - `risk_points` is stored, computed from `reasons` when the row is written.
 * - Each health row carries what the overview orders and sees it by, copied from its account:
 *   `sort_name` (`lower(name)`), and the keys of the readers who see many accounts: `team_key` and
 *   `lead_key` (`lower(team)`, `lower(lead_email)`, as `visibilitySql` compares them).
 *   A trigger fills them when a health row is first written and one on `health.accounts` keeps them
 *   when the CRM renames or reassigns the account, so every writer (projector, replay, tests) gets them.
 * - The risk index gains `sort_name` and the id: the admin's first page is read from it in its
 *   final order. Two more like it, led by the team and by the lead, yield a team's and a lead's
 *   riskiest accounts in order; the few a rep owns or is a member of come through the accounts'
 *   indexes, as before. `account_health_risk` (by score), which nothing reads any more, goes.
 *
 * Only rows at risk are in these indexes, so writing an account healthy at full score costs no more.
 */
export class OverviewRiskOrder1765190000000 implements MigrationInterface {
  name = 'OverviewRiskOrder1765190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE health.account_health
        ADD COLUMN risk_points integer GENERATED ALWAYS AS (health.risk_points(reasons)) STORED,
        ADD COLUMN sort_name text,
        ADD COLUMN lead_key text,
        ADD COLUMN team_key text`);
    await q.query(`
      UPDATE health.account_health h
      SET sort_name = lower(a.name), lead_key = lower(a.lead_email), team_key = lower(a.team)
      FROM health.accounts a WHERE a.id = h.account_id`);

    // A new health row takes its account's keys. AFTER INSERT, so it fires for rows an upsert
    // inserts, not for those it updates (the projector's every write): a BEFORE INSERT trigger fires
    // for each row proposed, which made each health upsert 17 µs dearer.
    await q.query(`
      CREATE FUNCTION health.account_health_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE health.account_health h
        SET sort_name = lower(a.name), lead_key = lower(a.lead_email), team_key = lower(a.team)
        FROM health.accounts a WHERE a.id = NEW.account_id AND h.account_id = NEW.account_id;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER account_health_keys AFTER INSERT ON health.account_health FOR EACH ROW EXECUTE FUNCTION health.account_health_keys()`);

    // An account created, renamed or reassigned: its health row follows.
    await q.query(`
      CREATE FUNCTION health.account_keys_to_health() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE health.account_health
        SET sort_name = lower(NEW.name), lead_key = lower(NEW.lead_email), team_key = lower(NEW.team)
        WHERE account_id = NEW.id AND (sort_name, lead_key, team_key) IS DISTINCT FROM (lower(NEW.name), lower(NEW.lead_email), lower(NEW.team));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER account_keys_to_health_on_insert AFTER INSERT ON health.accounts FOR EACH ROW EXECUTE FUNCTION health.account_keys_to_health()`);
    await q.query(`
      CREATE TRIGGER account_keys_to_health_on_update AFTER UPDATE ON health.accounts FOR EACH ROW
      WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.lead_email IS DISTINCT FROM NEW.lead_email OR OLD.team IS DISTINCT FROM NEW.team)
      EXECUTE FUNCTION health.account_keys_to_health()`);

    await q.query(`
      CREATE OR REPLACE VIEW health.account_health_view AS
      SELECT account_id, score, state, reasons, open_cases, open_escalations, updated_at, risk_points, sort_name, lead_key, team_key
      FROM health.account_health`);
    await q.query(`DROP INDEX health.account_health_at_risk`);
    await q.query(`CREATE INDEX account_health_at_risk ON health.account_health (${RISK_ORDER}) WHERE ${AT_RISK}`);
    // The first overview's index, by score: the risk index serves every reader of it now.
    await q.query(`DROP INDEX health.account_health_risk`);
    for (const key of ['lead_key', 'team_key']) {
      await q.query(`CREATE INDEX account_health_at_risk_by_${key.replace('_key', '')} ON health.account_health (${key}, ${RISK_ORDER}) WHERE ${AT_RISK}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX account_health_risk ON health.account_health (score, account_id)`);
    for (const key of ['lead', 'team']) await q.query(`DROP INDEX health.account_health_at_risk_by_${key}`);
    await q.query(`DROP INDEX health.account_health_at_risk`);
    await q.query(`DROP VIEW health.account_health_view`);
    await q.query(`DROP TRIGGER account_keys_to_health_on_update ON health.accounts`);
    await q.query(`DROP TRIGGER account_keys_to_health_on_insert ON health.accounts`);
    await q.query(`DROP FUNCTION health.account_keys_to_health()`);
    await q.query(`DROP TRIGGER account_health_keys ON health.account_health`);
    await q.query(`DROP FUNCTION health.account_health_keys()`);
    await q.query(`ALTER TABLE health.account_health DROP COLUMN risk_points, DROP COLUMN sort_name, DROP COLUMN lead_key, DROP COLUMN team_key`);
    await q.query(`
      CREATE VIEW health.account_health_view AS
      SELECT account_id, score, state, reasons, open_cases, open_escalations, updated_at, health.risk_points(reasons) AS risk_points FROM health.account_health`);
    await q.query(`
      CREATE INDEX account_health_at_risk ON health.account_health
        (${RISK_RANK}, score, health.risk_points(reasons) DESC) WHERE ${AT_RISK}`);
  }
}
