import type { HealthState } from '@forewarn/contracts';
import type { User } from '@forewarn/database';
import { capitalise, STATE_COLOUR, STATE_WORD, isHealthState } from './format';
import { type Html, html, raw } from './html';

/** What every page knows: who is reading, when, in which time zone, and what the header may link to. */
export interface PageContext {
  user: User;
  now: Date;
  timeZone: string;
  /** The development mail page is available (development, with a mail sink). */
  devMail: boolean;
  /** The current path, to mark the active navigation item. */
  path: string;
}

const ROLE_WORD: Record<User['role'], string> = { rep: 'account rep', lead: 'sales lead', admin: 'admin' };

const stateCss = Object.entries(STATE_COLOUR).map(([state, colour]) => `.s-${state}{--state:${colour}}`).join('');

const CSS = `
*,*::before,*::after{box-sizing:border-box}
:root{--ink:#1b1f24;--muted:#51585f;--line:#d9dde2;--soft:#f4f5f7;--link:#0a58ca;--focus:#1a73e8;--radius:8px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--soft);line-height:1.45}
body{margin:0;font-size:15px}
a{color:var(--link)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:3px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px 10px;z-index:10}
header.top{background:#fff;border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:10px 20px}
.brand{font-weight:700;font-size:18px;color:var(--ink);text-decoration:none;letter-spacing:-.01em}
.brand span{color:#b3261e}
nav.main{display:flex;gap:4px;flex-wrap:wrap}
nav.main a{padding:6px 10px;border-radius:6px;text-decoration:none;color:var(--ink)}
nav.main a[aria-current=page]{background:var(--soft);font-weight:600}
.who{margin-left:auto;display:flex;align-items:center;gap:12px;color:var(--muted);font-size:14px}
.who strong{color:var(--ink);font-weight:600}
button,.button{font:inherit;font-size:14px;padding:6px 12px;border-radius:6px;border:1px solid #9aa1a9;background:#fff;color:var(--ink);cursor:pointer;text-decoration:none;display:inline-block}
button.primary,.button.primary{background:#1b1f24;border-color:#1b1f24;color:#fff}
button:hover,.button:hover{border-color:var(--ink)}
main{max-width:1240px;margin:0 auto;padding:20px}
h1{font-size:26px;line-height:1.2;margin:0 0 4px}
h2{font-size:18px;margin:0 0 10px}
.muted{color:var(--muted)}
.sub{font-size:13px;color:var(--muted)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.card{background:#fff;border:1px solid var(--line);border-radius:var(--radius);padding:16px 18px;margin:0 0 16px}
.state{display:inline-flex;align-items:center;gap:6px;font-weight:700;color:var(--state);white-space:nowrap}
.state::before{content:"";width:10px;height:10px;border-radius:50%;background:var(--state);flex:none}
.score{font-variant-numeric:tabular-nums;color:var(--ink);font-weight:600}
.score small{color:var(--muted);font-weight:400}
.past-zero{font-size:13px;font-weight:600;color:#8e1f18;white-space:nowrap}
.badge{display:inline-flex;align-items:baseline;gap:8px;border:2px solid var(--state);border-radius:999px;padding:4px 14px;background:#fff}
.badge .state{font-size:18px}.badge .score{font-size:18px}
${stateCss}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:10px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:13px;font-weight:600;color:var(--muted)}
tbody tr:last-child td{border-bottom:0}
td.num{font-variant-numeric:tabular-nums}
.spark{display:block}.spark-ref{stroke:#e3e6ea;stroke-dasharray:2 3}
.history{margin:0}
.history-plot{display:flex;gap:10px;height:170px}
.history-legend{display:flex;flex-direction:column;width:92px;flex:none;text-align:right;font-size:13px}
.history-legend>span{display:flex;align-items:center;justify-content:flex-end;min-height:0}
.history-area{flex:1;min-width:0;position:relative}
.history-area svg{width:100%;height:100%;display:block;overflow:visible}
.history-overlay{position:absolute;inset:0;pointer-events:none}
.history-dot{position:absolute;width:9px;height:9px;margin:-4.5px 0 0 -4.5px;border-radius:50%;background:var(--state);border:2px solid #fff}
.history-score{position:absolute;left:8px;top:-18px;font-size:12px;font-weight:700;color:var(--ink);background:rgba(255,255,255,.85);padding:0 2px;border-radius:3px}
.history-mark{position:absolute;top:0;bottom:0;border-left:1px dashed #6b7280;pointer-events:auto}
.history-mark>span{position:absolute;top:-16px;left:-6px;font-size:12px;line-height:1}
.mark-escalation{color:#b3261e}.mark-meeting{color:#0a58ca}.mark-alert{color:#1b1f24}
.history-key{display:flex;flex-wrap:wrap;gap:4px 14px;margin:6px 0 0 102px}
.history-axis{display:flex;justify-content:space-between;margin-left:102px;font-size:13px;color:var(--muted);padding-top:4px}
.pill{display:inline-block;font-size:12px;padding:1px 8px;border-radius:999px;background:var(--soft);border:1px solid var(--line);color:var(--ink);white-space:nowrap}
.pill.bad{border-color:#e7b3ae;background:#fdf1f0}
.pill.good{border-color:#a9d5b4;background:#eff8f1}
.error{border-left:4px solid #b3261e;background:#fff;padding:10px 14px;margin:0 0 16px}
.note{border-left:4px solid var(--line);padding:4px 12px;color:var(--muted)}
tr.changed td{animation:flash 4s ease-out}
@keyframes flash{0%{background:#fff4c2}100%{background:transparent}}
.live-status{min-height:1em}
@media (max-width:720px){
  header.top{padding:10px 12px}
  .who{margin-left:0;width:100%;justify-content:space-between}
  main{padding:12px}
  h1{font-size:22px}
  .card{padding:12px}
  table.stack thead{position:absolute;left:-9999px}
  table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
  table.stack tr{border-bottom:1px solid var(--line);padding:8px 0}
  table.stack tbody tr:last-child{border-bottom:0}
  table.stack td{border:0;padding:3px 0}
  table.stack td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:13px}
}
@media (prefers-reduced-motion:reduce){*{animation:none!important;transition:none!important}}
.narrow{max-width:560px;margin:24px auto}
.notice{background:#edf6ee;border-left:4px solid #1e7b34;padding:8px 12px;border-radius:4px;margin:0 0 12px}
.notice.error{background:#fbeceb;border-left-color:#b3261e}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 12px}.actions form{margin:0}
.field{display:flex;flex-direction:column;gap:4px;margin:0 0 14px}
.field label{font-weight:600;font-size:14px}
.field input,.field select{font:inherit;font-size:16px;padding:8px;border:1px solid #9aa1a9;border-radius:6px;max-width:100%}
.field .hint{margin:0;font-size:13px;color:var(--muted)}
.field.invalid input,.field.invalid select{border-color:#b3261e}.field.invalid .hint{color:#b3261e}
`;

/** How far past zero an account is: the score stops at 0, the points lost do not. Null when it is not past zero. */
export function pastZero(score: number, riskPoints: number | undefined): number | null {
  return score === 0 && riskPoints !== undefined && riskPoints > 100 ? riskPoints - 100 : null;
}

/**
 * The state as UI.md asks: the word in the state's colour, with the score beside it, and for a
 * score stuck at 0 how far past zero it is (so two firestorms at 0/100 can be told apart).
 */
export function stateLabel(state: string, score: number, options: { big?: boolean; riskPoints?: number } = {}): Html {
  const s: HealthState = isHealthState(state) ? state : 'healthy';
  const beyond = pastZero(score, options.riskPoints);
  const inner = html`<span class="state">${STATE_WORD[s]}</span> <span class="score">${score}<small>/100</small></span>${beyond !== null ? html` <span class="past-zero">${beyond} points past zero</span>` : ''}`;
  return options.big ? html`<span class="badge s-${s}">${inner}</span>` : html`<span class="s-${s}">${inner}</span>`;
}

function header(ctx: PageContext): Html {
  const item = (href: string, label: string, active: boolean) => html`<a href="${href}"${active ? raw(' aria-current="page"') : ''}>${label}</a>`;
  const role = `${capitalise(ROLE_WORD[ctx.user.role])}${ctx.user.team ? `, ${ctx.user.team}` : ''}`;
  return html`<header class="top">
  <a class="brand" href="/">Fore<span>warn</span></a>
  <nav class="main" aria-label="Main">
    ${item('/', 'Accounts', ctx.path === '/' || ctx.path.startsWith('/accounts'))}
    ${item('/week', 'My week', ctx.path.startsWith('/week'))}
    ${item('/meetings', 'Meetings', ctx.path.startsWith('/meetings'))}
    ${item('/alerts', 'Alerts', ctx.path.startsWith('/alerts'))}
    ${ctx.user.role !== 'rep' ? item('/unmapped', 'Unmapped', ctx.path.startsWith('/unmapped')) : ''}
    ${ctx.user.role === 'admin' ? item('/admin', 'Admin', ctx.path.startsWith('/admin')) : ''}
    ${item('/preferences', 'Preferences', ctx.path.startsWith('/preferences'))}
    ${ctx.devMail ? item('/dev/mail', 'Dev mail', ctx.path.startsWith('/dev/mail')) : ''}
  </nav>
  <div class="who"><span><strong>${ctx.user.name ?? ctx.user.email}</strong> · ${role}</span>
    <a href="/password"${ctx.path.startsWith('/password') ? raw(' aria-current="page"') : ''}>Change password</a>
    <form method="post" action="/logout"><button type="submit">Sign out</button></form></div>
</header>`;
}

/** Which changes a page follows live (`/api/live`): every account's it shows, or one account's. */
export type LiveScope = 'all' | { account: string };

/**
 * The one layout: header with the reader and sign-out, the page, inline CSS, and the small script.
 * A page with `live` is read again in its `data-live-region` parts when a change it shows arrives.
 */
export function layout(title: string, ctx: PageContext | null, body: Html, extraHead: Html = html``, live: LiveScope | null = null): Html {
  const liveAttribute = live ? html` data-live="${live === 'all' ? 'all' : live.account}"` : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Forewarn</title>
<style>${raw(CSS)}</style>
${extraHead}
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
${ctx ? header(ctx) : ''}
<main id="content"${liveAttribute}>
${body}
${live ? html`<p class="live-status sub" id="live-status" role="status" aria-live="polite"></p>` : ''}
</main>
</body>
</html>`;
}
