import { plural, relativeTime, when } from '../web/format';
import { type Html, html, raw } from '../web/html';
import { layout, type PageContext } from '../web/layout';
import type { CaughtMail } from './dev-mail.client';

const CSS = `
.mail-list td a{font-weight:600}
.mail-meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;font-size:14px;margin:0 0 12px}
.mail-meta dt{color:var(--muted)}
.mail-meta dd{margin:0;word-break:break-word}
iframe.mail{width:100%;height:70vh;border:1px solid var(--line);border-radius:6px;background:#fff}
pre.mail-text{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:12px;border-radius:6px;font-size:14px}
`;

const kindOf = (m: CaughtMail): string | null => m.headers['x-forewarn-kind'] ?? null;

export function devMailListPage(mails: CaughtMail[], ctx: PageContext, problem: string | null): Html {
  const body = html`<h1>Development mail</h1>
<p class="muted">Every mail the services sent to the development mail sink (newest first). Not available in production.</p>
${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
<div class="card">${mails.length
    ? html`<table class="stack mail-list"><thead><tr><th scope="col">Subject</th><th scope="col">To</th><th scope="col">Kind</th><th scope="col">Received</th></tr></thead><tbody>
${mails.map((m) => html`<tr><td><a href="/dev/mail/${encodeURIComponent(m.id)}">${m.subject || '(no subject)'}</a></td><td data-label="To">${m.to.join(', ')}</td><td data-label="Kind">${kindOf(m) ?? '—'}</td><td data-label="Received">${relativeTime(m.receivedAt, ctx.now)}</td></tr>`)}
</tbody></table><p class="sub">${plural(mails.length, 'mail')}</p>`
    : html`<p class="muted">No mail caught yet.</p>`}</div>`;
  return layout('Development mail', ctx, body, html`<style>${raw(CSS)}</style>`);
}

export function devMailPage(mail: CaughtMail, ctx: PageContext): Html {
  // Links in the mail open in a new tab; the sandbox runs no scripts and cannot reach this page.
  const srcdoc = mail.html ? `<base target="_blank">${mail.html}` : null;
  const body = html`<a class="back" href="/dev/mail">← All mail</a>
<div class="card"><h1>${mail.subject || '(no subject)'}</h1>
<dl class="mail-meta">
  <dt>From</dt><dd>${mail.from}</dd>
  <dt>To</dt><dd>${mail.to.join(', ')}</dd>
  <dt>Received</dt><dd>${when(mail.receivedAt, ctx.now, ctx.timeZone)}</dd>
  ${Object.entries(mail.headers).filter(([k]) => k.startsWith('x-forewarn-')).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
</dl></div>
${srcdoc ? html`<section class="card" aria-labelledby="html-part"><h2 id="html-part">HTML part</h2><iframe class="mail" title="HTML part of the mail" sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc="${srcdoc}"></iframe></section>` : ''}
<section class="card" aria-labelledby="text-part"><h2 id="text-part">Text part</h2><pre class="mail-text">${mail.text || '(empty)'}</pre></section>`;
  return layout(mail.subject || 'Mail', ctx, body, html`<style>${raw(CSS)}</style>`);
}
