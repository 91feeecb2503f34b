import type { HealthState } from '@forewarn/contracts';
import type { RenderedMail } from './alert-mail';
import { escapeHtml, meetingTime, STATE_COLOUR, STATE_WORD, stateTitle, validTimeZone } from './format';

export interface DigestAccount {
  id: string;
  name: string;
  state: HealthState;
  score: number;
  /** The loudest reason, in words. */
  why: string | null;
  openCases: number;
  nextMeeting: { title: string | null; startsAt: string } | null;
}

/** A daily summary for one person: the accounts of theirs that are not healthy, loudest first. */
export interface DigestContent {
  kind: 'digest';
  recipient: { email: string; name: string | null };
  /** The recipient's local day, YYYY-MM-DD. */
  day: string;
  timeZone: string;
  accounts: DigestAccount[];
}

const RANK: Record<HealthState, number> = { firestorm: 0, at_risk: 1, watch: 2, healthy: 3 };

export function renderDigestMail(digest: DigestContent, publicUrl: string, now: Date): RenderedMail {
  const zone = validTimeZone(digest.timeZone);
  const accounts = [...digest.accounts].sort((a, b) => RANK[a.state] - RANK[b.state] || a.score - b.score || a.name.localeCompare(b.name));
  const counts = (['firestorm', 'at_risk', 'watch'] as const).map((s) => [s, accounts.filter((a) => a.state === s).length] as const).filter(([, n]) => n > 0);
  const summary = counts.map(([s, n]) => `${n} ${STATE_WORD[s]}`).join(', ');
  const subject = `Your accounts today: ${summary}`;
  const worst = accounts[0];
  const second = worst ? `Loudest: ${worst.name} (${STATE_WORD[worst.state]}, score ${worst.score})${worst.why ? ` — ${worst.why}` : ''}.` : 'All your accounts are healthy.';
  const details = (a: DigestAccount) => {
    const meeting = a.nextMeeting && Date.parse(a.nextMeeting.startsAt) > now.getTime() ? `; next: ${a.nextMeeting.title ?? 'meeting'} ${meetingTime(new Date(a.nextMeeting.startsAt), now, zone)}` : '';
    return `${a.openCases} open case${a.openCases === 1 ? '' : 's'}${meeting}${a.why ? `. ${a.why}` : ''}`;
  };
  const line = (a: DigestAccount) => `${a.name} — ${STATE_WORD[a.state]}, score ${a.score}, ${details(a)}`;
  const text = [
    subject,
    second,
    '',
    ...accounts.map((a) => `- ${line(a)}\n  ${publicUrl}/accounts/${encodeURIComponent(a.id)}`),
    '',
    `Overview: ${publicUrl}/?state=watch,at_risk,firestorm`,
    '',
    '—',
    'Forewarn · your daily digest. Change when and how you get it on the preferences page:',
    `${publicUrl}/preferences`,
    '',
  ].join('\n');
  const rows = accounts
    .map((a) => `<tr><td style="padding:10px 0;border-bottom:1px solid #e6e8eb;vertical-align:top">
<span style="display:inline-block;min-width:86px;font-weight:600;color:${STATE_COLOUR[a.state]}">${escapeHtml(stateTitle(a.state))} ${a.score}</span>
<a href="${escapeHtml(`${publicUrl}/accounts/${encodeURIComponent(a.id)}`)}" style="color:#0b57d0;font-weight:600">${escapeHtml(a.name)}</a>
<div style="color:#1f2328;margin-top:2px">${escapeHtml(details(a))}</div></td></tr>`)
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:600px;margin:0 auto;padding:16px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">
<div style="background:#ffffff;border-radius:8px;border-top:6px solid ${worst ? STATE_COLOUR[worst.state] : STATE_COLOUR.healthy};padding:20px">
<h1 style="margin:0 0 8px;font-size:20px;line-height:1.3">${escapeHtml(subject)}</h1>
<p style="margin:0 0 16px">${escapeHtml(second)}</p>
<table role="presentation" style="width:100%;border-collapse:collapse">${rows}</table>
<p style="margin:20px 0 0"><a href="${escapeHtml(`${publicUrl}/?state=watch,at_risk,firestorm`)}" style="display:inline-block;background:#0b57d0;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:6px">Open the overview</a></p>
</div>
<p style="margin:12px 4px;font-size:12px;color:#59636e">Forewarn · your daily digest · <a href="${escapeHtml(`${publicUrl}/preferences`)}" style="color:#0b57d0">Preferences</a></p>
</div></body></html>
`;
  return { subject, text, html };
}
