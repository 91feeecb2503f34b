import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the dashboard at 100k accounts (docs/BENCHMARKS.md, "Dashboard API").
 *
 * 1. The overview's default order is the loudest state first, then the lowest score. This partial
 *    index holds the accounts that come before "healthy at 100" in exactly that order, so the first
 *    page is read from it instead of joining and sorting every account (`AccountsQuery.list`; the
 *    expression must stay equal to its `riskRank`).
 * 2. Who may see an account (`visibilitySql`): owner, team and lead compared in lower case, and the
 *    members' e-mails. Without these a rep's or lead's every list read all accounts and ran a
 *    subquery over `members` for each; with them PostgreSQL ORs four index lookups. The members'
 *    e-mails need a function to be indexable; it reads what the EXISTS over
 *    `jsonb_array_elements(members)` read, and yields nothing for a `members` that is not an array.
 */
export class OverviewIndexes1764520000000 implements MigrationInterface {
  name = 'OverviewIndexes1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX account_health_at_risk ON health.account_health
        ((CASE state WHEN 'firestorm' THEN 0 WHEN 'at_risk' THEN 1 WHEN 'watch' THEN 2 ELSE 3 END), score)
        WHERE state <> 'healthy' OR score < 100`);

    await q.query(`CREATE INDEX accounts_owner_lower ON health.accounts (lower(owner_email))`);
    await q.query(`CREATE INDEX accounts_team_lower ON health.accounts (lower(team))`);
    await q.query(`CREATE INDEX accounts_lead_lower ON health.accounts (lower(lead_email))`);
    await q.query(`
      CREATE FUNCTION health.member_emails(members jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT COALESCE(array_agg(lower(m->>'email')) FILTER (WHERE m->>'email' IS NOT NULL), '{}')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(members) = 'array' THEN members ELSE '[]' END) m
      $$`);
    await q.query(`CREATE INDEX accounts_member_emails ON health.accounts USING gin (health.member_emails(members))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX health.accounts_member_emails`);
    await q.query(`DROP FUNCTION health.member_emails(jsonb)`);
    await q.query(`DROP INDEX health.accounts_lead_lower, health.accounts_team_lower, health.accounts_owner_lower`);
    await q.query(`DROP INDEX health.account_health_at_risk`);
  }
}
