// Writes the projections the dashboard reads — health.* and notifier.* — directly with set-based
// SQL, so a dashboard benchmark can start from 100k accounts and 2M cases in minutes instead of
// replaying tens of millions of events through account-health. Deterministic for a given size
// (setseed, and case counts from a closed form), and shaped like what account-health and the
// notifier write: CaseState in `cases.state`, reasons as HealthReason[], AlertRaised in
// `notifications.alert`.
import pg from 'pg';

const TITLES = [
  'Checkout payments failing', 'Invoices not syncing to ERP', 'SSO login loops back to the start page', 'Webhook deliveries delayed by hours',
  'Export to CSV times out', 'Dashboard shows wrong currency', 'API rate limit hit during month-end close', 'Refunds stuck in pending',
  'Mobile app crashes on upload', 'Duplicate charges on renewal', 'Password reset mail never arrives', 'Report totals do not match ledger',
  'Data import drops rows silently', 'Search returns stale results', 'Scheduled jobs did not run overnight', 'Permissions reset after update',
  'PDF generation garbled', 'Latency spikes in EU region', 'Card reader disconnects', 'Audit log missing entries',
];
const PRODUCTS = ['Payments', 'Billing', 'Identity', 'Reporting', 'Integrations', 'Mobile'];
const AGENTS = ['Sam Ortiz', 'Priya Shah', 'Lena Vogel', 'Ken Ito', 'Ana Souza', 'Tom Berg', 'Mia Chen', 'Omar Haddad', 'Julia Novak', 'Raj Patel',
  'Eva Lindqvist', 'Noah Kim', 'Sofia Rossi', 'Liam Byrne', 'Aiko Sato', 'Marek Wójcik', 'Chloé Martin', 'Yusuf Demir', 'Ines Garcia', 'Ben Adler'];
const COMMENTS = ['This is unacceptable, the third outage this month.', 'Any news on this? Our finance team is blocked.', 'We are losing money every hour this is down!',
  'Please call me back today.', 'The workaround does not work for us.'];
const REJECTIONS = ['The workaround doubles our fees', 'Still failing for half of our stores', 'This is not a fix, it is a restart', 'We cannot ask every user to clear their cache'];
const NAMES_A = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip', 'Litware', 'Proseware', 'Adatum', 'Lucerne', 'Alpine', 'Blue Yonder', 'Coho', 'Fourth Coffee', 'Humongous', 'Margie', 'Trey', 'Woodgrove', 'Wide World', 'Graphic', 'Relecloud'];
const NAMES_B = ['Traders', 'Logistics', 'Foods', 'Insurance', 'Airlines', 'Bank', 'Health', 'Retail', 'Energy', 'Media', 'Labs', 'Motors', 'Hotels', 'Pharma', 'Telecom'];
const TIMEZONES = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Europe/Paris'];

/** A SQL array literal of strings, for picking with `(ARRAY[...])[1 + floor(random() * n)]`. */
const arr = (values) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]`;
const pick = (values, r) => `(${arr(values)})[1 + floor(${r} * ${values.length})::int]`;

export const TEAMS = 50;
export const REPS_PER_TEAM = 8;
export const accountId = (i) => `acct-${String(i).padStart(6, '0')}`;
export const teamOf = (i) => `team-${String(1 + (i % TEAMS)).padStart(2, '0')}`;
/** The e-mail of the sales lead of account i's team. */
export const leadOf = (i) => `lead${1 + (i % TEAMS)}@sales.example`;

/**
 * Seeds `accounts` accounts and `cases` cases into a migrated database. Cases are skewed like real
 * customer bases: account i (of the 99 % that have cases) gets M·(√((i+1)/A) − √(i/A)) of them, so
 * the biggest account has ~0.3 % of all cases (6,000 of 2M), the median ~14, and the newest 1 %
 * none (no health row: the overview shows them as healthy). ~5 % of cases are open.
 * `log(step, seconds)` is called after each step.
 */
export async function seedProjections(databaseUrl, { accounts: N, cases: M, log = () => undefined }) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'forewarn-bench-seed' });
  await client.connect();
  const counts = {};
  const step = async (name, sql) => {
    const started = Date.now();
    const result = await client.query(sql);
    counts[name] = result.rowCount;
    log(`${name}: ${result.rowCount ?? ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };
  const A = Math.floor(0.99 * N); // accounts with cases
  const t0 = new Date().toISOString();
  const now = `'${t0}'::timestamptz`;
  const iso = (expr) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  try {
    await client.query(`SET TimeZone = 'UTC'`);
    await client.query('SELECT setseed(0.42)');
    // No synchronous commit: the seed is thrown away with the database.
    await client.query('SET synchronous_commit = off');

    await step('accounts', `
      INSERT INTO health.accounts (id, name, domains, external_refs, owner_name, owner_email, team, lead_name, lead_email, members, tier, arr, renewal_date, timezone, source_time, updated_at)
      SELECT 'acct-' || lpad(i::text, 6, '0'),
             ${pick(NAMES_A, 'random()')} || ' ' || ${pick(NAMES_B, 'random()')} || ' ' || i,
             ARRAY['acct' || i || '.example.com'],
             jsonb_build_array(jsonb_build_object('source', 'salesforce', 'id', '001' || lpad(i::text, 12, '0'))),
             'Rep ' || team_no || '-' || rep_no, 'rep' || team_no || '-' || rep_no || '@sales.example',
             'team-' || lpad(team_no::text, 2, '0'),
             'Lead ' || team_no, 'lead' || team_no || '@sales.example',
             CASE WHEN r_members < 0.5 THEN '[]'::jsonb
                  WHEN r_members < 0.85 THEN jsonb_build_array(jsonb_build_object('name', 'CSM ' || team_no || '-' || (i % 4), 'email', 'csm' || team_no || '-' || (i % 4) || '@sales.example'))
                  ELSE jsonb_build_array(jsonb_build_object('name', 'CSM ' || team_no || '-' || (i % 4), 'email', 'csm' || team_no || '-' || (i % 4) || '@sales.example'),
                                         jsonb_build_object('name', 'SE ' || team_no || '-' || (i % 3), 'email', 'se' || team_no || '-' || (i % 3) || '@sales.example')) END,
             tier, round((CASE tier WHEN 'strategic' THEN 1500000 WHEN 'enterprise' THEN 400000 WHEN 'midmarket' THEN 80000 ELSE 12000 END * (0.5 + r_arr))::numeric, -2),
             to_char(${now} + (r_renewal * 365) * interval '1 day', 'YYYY-MM-DD'),
             ${pick(TIMEZONES, 'r_tz')},
             ${now} - (r_updated * 60) * interval '1 day', ${now} - (r_updated * 60) * interval '1 day'
      FROM (SELECT i, 1 + i % ${TEAMS} AS team_no, 1 + (i / ${TEAMS}) % ${REPS_PER_TEAM} AS rep_no, random() AS r_members, random() AS r_arr, random() AS r_renewal,
                   random() AS r_tz, random() AS r_updated,
                   CASE WHEN i < ${Math.max(1, Math.floor(N / 500))} THEN 'strategic' WHEN random() < 0.06 THEN 'enterprise' WHEN random() < 0.3 THEN 'midmarket' ELSE 'smb' END AS tier
            FROM generate_series(0, ${N - 1}) i) g`);

    // Cases, account by account (so the primary key is written in order). Raw randoms first, then
    // what follows from them, then the CaseState document.
    await step('cases', `
      INSERT INTO health.cases (account_id, id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open, state, updated_at)
      SELECT account_id, id, title, url, severity, status, escalation_level, product, assignee, opened_at, last_activity_at, resolved_at, is_open,
             jsonb_build_object(
               'id', id, 'title', title, 'url', url, 'severity', severity, 'worstSeverity', LEAST(severity, worst_severity), 'status', status,
               'escalationLevel', escalation_level, 'peakEscalationLevel', peak_escalation,
               'escalatedAt', CASE WHEN escalation_level > 0 THEN ${iso('opened_at + (last_activity_at - opened_at) / 3')} END,
               'product', product, 'assignee', assignee, 'openedAt', ${iso('opened_at')}, 'lastActivityAt', ${iso('last_activity_at')},
               'lastSupportUpdateAt', ${iso('last_activity_at')}, 'resolvedAt', ${iso('resolved_at')},
               'handoffs', handoffs, 'reopenCount', reopens, 'slaBreaches', sla_breaches,
               'rejections', CASE WHEN rejected THEN jsonb_build_array(jsonb_build_object('at', ${iso('last_activity_at')}, 'who', 'Dana Whitfield', 'reason', ${pick(REJECTIONS, 'r_text')})) ELSE '[]'::jsonb END,
               'customerComments', CASE WHEN r_comments < 0.7 THEN '[]'::jsonb
                 ELSE jsonb_build_array(jsonb_build_object('at', ${iso('opened_at + (last_activity_at - opened_at) / 2')}, 'who', 'Dana Whitfield', 'excerpt', ${pick(COMMENTS, 'r_text')}, 'sentiment', round(((r_comments - 0.85) * 4)::numeric, 2))) END,
               'surveys', CASE WHEN NOT is_open AND r_survey < 0.2 THEN jsonb_build_array(jsonb_build_object('at', ${iso('resolved_at')}, 'kind', 'csat', 'score', 1 + floor(r_survey * 25)::int, 'who', 'Dana Whitfield', 'comment', NULL)) ELSE '[]'::jsonb END),
             COALESCE(resolved_at, last_activity_at)
      FROM (
        SELECT *, CASE WHEN is_open THEN opened_at + r_activity * (${now} - opened_at) ELSE resolved_at END AS last_activity_at,
               CASE WHEN is_open THEN ${pick(['open', 'open', 'open', 'pending', 'pending', 'new', 'on_hold'], 'r_status')} ELSE ${pick(['solved', 'closed', 'closed'], 'r_status')} END AS status,
               CASE WHEN is_open AND r_escalation < 0.15 THEN 1 + floor(r_escalation * 20)::int ELSE 0 END AS escalation_level,
               CASE WHEN r_escalation < 0.15 THEN 1 + floor(r_escalation * 20)::int ELSE 0 END AS peak_escalation,
               is_open AND r_rejected < 0.08 OR NOT is_open AND r_rejected < 0.02 AS rejected
        FROM (
          SELECT *, CASE WHEN is_open THEN NULL ELSE LEAST(${now} - interval '1 hour', opened_at + (0.05 + power(r_activity, 2) * 20) * interval '1 day') END AS resolved_at
          FROM (
            SELECT 'acct-' || lpad(i::text, 6, '0') AS account_id, 'ZD-' || (1000000 + n) AS id, n,
                   ${pick(TITLES, 'random()')} AS title, 'https://support.example.com/agent/tickets/' || (1000000 + n) AS url,
                   CASE WHEN r_sev < 0.05 THEN 1 WHEN r_sev < 0.25 THEN 2 WHEN r_sev < 0.7 THEN 3 ELSE 4 END AS severity,
                   CASE WHEN r_sev < 0.1 THEN 1 ELSE 2 END AS worst_severity,
                   ${pick(PRODUCTS, 'random()')} AS product, ${pick(AGENTS, 'random()')} AS assignee,
                   is_open,
                   CASE WHEN is_open THEN ${now} - (r_age * 30) * interval '1 day' ELSE ${now} - (2 + r_age * 728) * interval '1 day' END AS opened_at,
                   floor(power(random(), 3) * 7)::int AS handoffs, (random() < 0.05)::int AS reopens, (random() < 0.08)::int AS sla_breaches,
                   random() AS r_activity, random() AS r_status, random() AS r_escalation, random() AS r_rejected, random() AS r_text, random() AS r_comments, random() AS r_survey
            FROM (
              SELECT i, n, random() < 0.05 AS is_open, random() AS r_sev, random() AS r_age
              FROM generate_series(0, ${A - 1}) i,
                   generate_series(floor(${M} * sqrt(i::float8 / ${A}))::int, floor(${M} * sqrt((i + 1)::float8 / ${A}))::int - 1) n
            ) base
          ) raw
        ) timed
      ) derived`);

    // Health from the open cases, with the default policy's weights (libs/health/src/policy.ts) and
    // reasons like the signals write them; the hard rule "critical escalation rejected" forces a firestorm.
    await step('account_health', `
      WITH open AS (
        SELECT account_id, id, title, url, severity, escalation_level, assignee, opened_at, jsonb_array_length(state->'rejections') > 0 AS rejected,
               (state->>'slaBreaches')::int > 0 AS breached, (state->>'handoffs')::int AS handoffs, state->'rejections'->0 AS rejection,
               row_number() OVER (PARTITION BY account_id ORDER BY severity, escalation_level DESC, id) AS rank
        FROM health.cases WHERE is_open
      ), evidence AS (
        SELECT *, jsonb_build_object('caseId', id, 'title', title, 'url', url, 'since', ${iso('opened_at')}) AS ev FROM open
      ), per AS (
        SELECT account_id, count(*) AS open_cases, count(*) FILTER (WHERE escalation_level > 0) AS open_escalations,
               count(*) FILTER (WHERE severity <= 3) AS serious, min(severity) AS worst, min(title) FILTER (WHERE rank = 1) AS worst_title,
               sum(CASE severity WHEN 1 THEN 25 WHEN 2 THEN 12 WHEN 3 THEN 4 ELSE 0 END) AS w_open,
               sum(escalation_level * 10) AS w_esc, max(escalation_level) AS max_esc,
               count(*) FILTER (WHERE rejected) AS rejected, count(*) FILTER (WHERE breached) AS breached, count(*) FILTER (WHERE handoffs >= 3) AS bounced,
               sum(CASE WHEN handoffs >= 3 THEN 8 + (handoffs - 3) * 2 ELSE 0 END) AS w_bounced,
               bool_or(severity = 1 AND escalation_level > 0 AND rejected) AS forced,
               COALESCE(jsonb_agg(ev || jsonb_build_object('detail', 'severity ' || severity) ORDER BY rank) FILTER (WHERE severity <= 3), '[]') AS ev_open,
               COALESCE(jsonb_agg(ev || jsonb_build_object('detail', 'escalation level ' || escalation_level) ORDER BY rank) FILTER (WHERE escalation_level > 0), '[]') AS ev_esc,
               COALESCE(jsonb_agg(ev || jsonb_build_object('who', rejection->>'who', 'quote', rejection->>'reason') ORDER BY rank) FILTER (WHERE rejected), '[]') AS ev_rej,
               COALESCE(jsonb_agg(ev ORDER BY rank) FILTER (WHERE breached), '[]') AS ev_sla,
               COALESCE(jsonb_agg(ev || jsonb_build_object('detail', handoffs || ' hand-offs', 'who', assignee) ORDER BY rank) FILTER (WHERE handoffs >= 3), '[]') AS ev_bounced
        FROM evidence GROUP BY account_id
      ), scored AS (
        SELECT p.*, GREATEST(0, 100 - (w_open + w_esc + rejected * 20 + breached * 10 + w_bounced)) AS score,
               (ARRAY['critical', 'high', 'medium', 'low'])[p.worst] AS worst_word
        FROM per p
      )
      INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, alerted_state, updated_at, policy_version, time_dependent)
      SELECT account_id, score, state,
             jsonb_path_query_array(jsonb_build_array(
               CASE WHEN serious > 0 THEN jsonb_build_object('code', 'open_severe_cases', 'weight', w_open, 'evidence', jsonb_path_query_array(ev_open, '$[0 to 4]'),
                 'label', CASE WHEN serious = 1 THEN '“' || worst_title || '” is a ' || worst_word || ' case and still open' ELSE serious || ' serious cases open, the worst ' || worst_word END) END,
               CASE WHEN open_escalations > 0 THEN jsonb_build_object('code', 'open_escalations', 'weight', w_esc, 'evidence', jsonb_path_query_array(ev_esc, '$[0 to 4]'),
                 'label', CASE WHEN open_escalations = 1 THEN '“' || worst_title || '” is escalated to level ' || max_esc ELSE open_escalations || ' open escalations, up to level ' || max_esc END) END,
               CASE WHEN rejected > 0 THEN jsonb_build_object('code', 'rejected_resolution', 'weight', rejected * 20, 'evidence', jsonb_path_query_array(ev_rej, '$[0 to 4]'),
                 'label', CASE WHEN rejected = 1 THEN 'The customer rejected the proposed resolution of “' || worst_title || '”' ELSE 'The customer rejected the proposed resolution on ' || rejected || ' cases' END) END,
               CASE WHEN breached > 0 THEN jsonb_build_object('code', 'sla_breaches', 'weight', breached * 10, 'evidence', jsonb_path_query_array(ev_sla, '$[0 to 4]'), 'label', breached || ' open cases breached the SLA') END,
               CASE WHEN bounced > 0 THEN jsonb_build_object('code', 'handoff_loops', 'weight', w_bounced, 'evidence', jsonb_path_query_array(ev_bounced, '$[0 to 4]'), 'label', bounced || ' cases keep being handed between agents') END
             ), '$[*] ? (@ != null)'),
             open_cases, open_escalations, CASE WHEN state <> 'healthy' THEN state END,
             ${now} - random() * interval '3 days', '2026-11-28 defaults', true
      FROM (SELECT *, CASE WHEN forced OR score < 35 THEN 'firestorm' WHEN score < 60 THEN 'at_risk' WHEN score < 80 THEN 'watch' ELSE 'healthy' END AS state FROM scored) s`);
    // Accounts whose cases are all solved: healthy, score 100, no reasons.
    await step('account_health (all solved)', `
      INSERT INTO health.account_health (account_id, score, state, reasons, open_cases, open_escalations, updated_at, policy_version, time_dependent)
      SELECT account_id, 100, 'healthy', '[]', 0, 0, max(resolved_at), '2026-11-28 defaults', false
      FROM health.cases c WHERE NOT EXISTS (SELECT 1 FROM health.account_health h WHERE h.account_id = c.account_id) GROUP BY account_id`);

    // A few score changes per account, most within the 14-day trend, one before it; the last is the current score.
    await step('health_history', `
      INSERT INTO health.health_history (account_id, at, score, state, policy_version, cause)
      SELECT account_id, at, s, CASE WHEN s < 35 THEN 'firestorm' WHEN s < 60 THEN 'at_risk' WHEN s < 80 THEN 'watch' ELSE 'healthy' END, '2026-11-28 defaults', 'events'
      FROM (
        SELECT h.account_id,
               CASE WHEN j = k THEN h.updated_at WHEN j = 1 THEN ${now} - (15 + random() * 30) * interval '1 day' ELSE ${now} - ((k - j) * 13.0 / k + random()) * interval '1 day' END AS at,
               CASE WHEN j = k THEN h.score ELSE LEAST(100, GREATEST(0, h.score + (100 - h.score) * (k - j) / k + floor(random() * 11)::int - 5)) END AS s
        FROM (SELECT *, CASE WHEN state = 'healthy' THEN 1 + (random() < 0.5)::int ELSE 3 + floor(random() * 4)::int END AS k FROM health.account_health) h,
             generate_series(1, k) j
      ) points ORDER BY account_id, at`);

    await step('meetings', `
      INSERT INTO health.meetings (account_id, id, title, starts_at, ends_at, kind, organizer, attendees, cancelled, source_time)
      SELECT a.id, 'mtg-' || substr(a.id, 6) || '-' || j, initcap(kind) || ' with ' || a.name, starts_at, starts_at + interval '1 hour', kind,
             jsonb_build_object('name', a.owner_name, 'email', a.owner_email),
             jsonb_build_array(jsonb_build_object('name', a.owner_name, 'email', a.owner_email), jsonb_build_object('name', 'Dana Whitfield', 'email', 'dana@' || a.domains[1])),
             random() < 0.05, ${now} - interval '20 days'
      FROM (SELECT *, floor(random() * 3)::int + 1 AS k FROM health.accounts WHERE random() < 0.4) a,
           LATERAL (SELECT j, ${now} + (random() * 60 - 30) * interval '1 day' AS starts_at, ${pick(['qbr', 'renewal', 'demo', 'proposal', 'other'], 'random()')} AS kind
                    FROM generate_series(1, a.k) j) m`);

    // Alerts in the last 30 days: accounts that are not healthy got heads-ups (big ones many), some healthy ones an all-clear.
    await step('alerts', `
      INSERT INTO health.alerts (id, account_id, kind, state, previous_state, score, reasons, created_at)
      SELECT md5(h.account_id || '-' || j)::uuid, h.account_id,
             CASE WHEN h.state = 'healthy' THEN 'all-clear' WHEN random() < 0.15 THEN 'briefing' ELSE 'heads-up' END,
             h.state, CASE WHEN h.state = 'healthy' THEN 'watch' WHEN j = 1 THEN 'healthy' ELSE h.state END, h.score, h.reasons,
             ${now} - (random() * 30) * interval '1 day'
      FROM health.account_health h, generate_series(1, CASE WHEN h.state = 'healthy' THEN (random() < 0.1)::int ELSE LEAST(60, 1 + h.open_cases / 4) END) j`);

    // Who was told: owner and lead, sometimes members; the AlertRaised message as the notifier keeps it.
    await step('notifications', `
      INSERT INTO notifier.notifications (alert_id, recipient, recipient_name, recipient_role, account_id, kind, status, attempts, next_attempt_at, alert, created_at, sent_at, subject, outcome_note)
      SELECT al.id::text, r.email, r.name, r.role, al.account_id, al.kind, r.status, CASE WHEN r.status = 'sent' THEN 1 ELSE 0 END, al.created_at,
             jsonb_build_object('specversion', '1.0', 'type', 'forewarn.alert.raised', 'id', al.id::text, 'source', '/forewarn/account-health', 'time', ${iso('al.created_at')},
               'data', jsonb_build_object('kind', al.kind,
                 'account', jsonb_build_object('id', a.id, 'name', a.name, 'owner', jsonb_build_object('name', a.owner_name, 'email', a.owner_email),
                   'lead', jsonb_build_object('name', a.lead_name, 'email', a.lead_email), 'members', a.members, 'team', a.team, 'timezone', a.timezone),
                 'state', al.state, 'previousState', al.previous_state, 'score', al.score, 'reasons', al.reasons, 'openCases', '[]'::jsonb, 'nextMeeting', NULL)),
             al.created_at, CASE WHEN r.status = 'sent' THEN al.created_at + interval '12 seconds' END,
             initcap(replace(al.state, '_', ' ')) || ': ' || a.name, CASE WHEN r.status = 'suppressed' THEN 'already told within 24 h' END
      FROM health.alerts al JOIN health.accounts a ON a.id = al.account_id,
           LATERAL (VALUES (a.owner_email, a.owner_name, 'owner', 'sent'),
                           (a.lead_email, a.lead_name, 'lead', CASE WHEN random() < 0.3 THEN 'suppressed' ELSE 'sent' END)) r(email, name, role, status)`);

    await step('acknowledgements', `
      INSERT INTO notifier.acknowledgements (account_id, alert_id, state, by_email, by_name, via, at)
      SELECT DISTINCT ON (al.account_id) al.account_id, al.id::text, al.state, a.owner_email, a.owner_name, 'email', al.created_at + interval '2 hours'
      FROM health.alerts al JOIN health.accounts a ON a.id = al.account_id
      WHERE al.state IN ('at_risk', 'firestorm') AND hashtext(al.account_id) % 3 = 0
      ORDER BY al.account_id, al.created_at DESC`);

    // The timeline: the events of the last 30 days' cases (opened, a few updates, resolved), as CloudEvents.
    await step('events', `
      INSERT INTO health.events (source, id, type, account_key, account_id, subject_id, time, received_at, payload)
      SELECT '/sources/zendesk', 'zd-' || c.id || '-' || j, type, c.account_id, c.account_id, c.id, at, at + interval '2 seconds',
             jsonb_build_object('specversion', '1.0', 'id', 'zd-' || c.id || '-' || j, 'source', '/sources/zendesk', 'type', type, 'time', ${iso('at')},
               'forewarnreceivedat', ${iso("at + interval '2 seconds'")},
               'data', jsonb_strip_nulls(jsonb_build_object('account', jsonb_build_object('id', c.account_id),
                 'case', jsonb_build_object('id', c.id, 'title', c.title, 'url', c.url, 'severity', c.severity, 'status', CASE WHEN type = 'forewarn.case.resolved' THEN 'solved' ELSE 'open' END,
                                            'escalationLevel', CASE WHEN type = 'forewarn.case.escalated' THEN GREATEST(c.escalation_level, 1) END, 'product', c.product),
                 'actor', CASE WHEN type IN ('forewarn.case.commented', 'forewarn.case.opened', 'forewarn.case.resolution_rejected') THEN jsonb_build_object('type', 'customer', 'name', 'Dana Whitfield') END,
                 'comment', CASE WHEN type = 'forewarn.case.commented' THEN jsonb_build_object('public', true, 'excerpt', ${pick(COMMENTS, 'random()')}) END,
                 'assignee', CASE WHEN type = 'forewarn.case.assigned' THEN jsonb_build_object('id', 'agent-' || (j % 20), 'name', c.assignee) END,
                 'reason', CASE WHEN type IN ('forewarn.case.escalated', 'forewarn.case.resolution_rejected') THEN 'Revenue impact' END)))
      FROM (SELECT *, 1 + floor(random() * 5)::int AS k FROM health.cases WHERE opened_at > ${now} - interval '30 days') c,
           LATERAL (SELECT j,
                           CASE WHEN j = 0 THEN 'forewarn.case.opened' WHEN j = c.k AND NOT c.is_open THEN 'forewarn.case.resolved'
                                ELSE ${pick(['forewarn.case.commented', 'forewarn.case.commented', 'forewarn.case.updated', 'forewarn.case.assigned', 'forewarn.case.escalated', 'forewarn.case.priority_changed', 'forewarn.case.resolution_rejected'], 'random()')} END AS type,
                           c.opened_at + (COALESCE(c.resolved_at, c.last_activity_at) - c.opened_at) * j / c.k AS at
                    FROM generate_series(0, c.k) j) e`);

    await step('analyze', 'ANALYZE');
    const [{ rows: states }, { rows: sizes }] = await Promise.all([
      client.query(`SELECT state, count(*)::int AS n FROM health.account_health GROUP BY state ORDER BY n DESC`),
      client.query(`SELECT c.relname AS "table", pg_size_pretty(pg_total_relation_size(c.oid)) AS size, c.reltuples::bigint AS rows
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('health', 'notifier') AND c.relkind = 'r' ORDER BY pg_total_relation_size(c.oid) DESC`),
    ]);
    return { at: t0, rows: counts, states: Object.fromEntries(states.map((s) => [s.state, s.n])), sizes };
  } finally {
    await client.end();
  }
}
