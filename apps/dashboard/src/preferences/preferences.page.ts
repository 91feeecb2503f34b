import { type Html, html } from '../web/html';
import { layout, type PageContext } from '../web/layout';
import type { FieldError } from './preferences-form';
import type { StoredPreferences } from './preferences.read-model';

export function preferencesPage(prefs: StoredPreferences, ctx: PageContext, state: { saved?: boolean; errors?: FieldError[] } = {}): Html {
  const errorFor = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const field = (name: string, label: string, input: Html, hint: string) => html`<div class="field${errorFor(name) ? ' invalid' : ''}">
<label for="${name}">${label}</label>${input}<p class="hint" id="${name}-hint">${errorFor(name) ?? hint}</p></div>`;
  return layout('Notification preferences', ctx, html`<div class="card narrow">
<h1>Notification preferences</h1>
${state.saved ? html`<p class="notice" role="status">Saved. New alerts follow these preferences.</p>` : ''}
${state.errors?.length ? html`<p class="notice error" role="alert">Please check the fields marked below.</p>` : ''}
<form method="post" action="/preferences">
${field('mode', 'How you get account alerts', html`<select id="mode" name="mode" aria-describedby="mode-hint">
  <option value="immediate"${prefs.mode === 'immediate' ? ' selected' : ''}>Right away</option>
  <option value="digest"${prefs.mode === 'digest' ? ' selected' : ''}>In a daily digest (firestorms still come right away)</option>
</select>`, 'Briefings before meetings always come right away.')}
${field('quietStart', 'Quiet hours from', html`<input id="quietStart" name="quietStart" type="time" value="${prefs.quietHours?.start ?? ''}" aria-describedby="quietStart-hint">`, 'Leave both empty for no quiet hours.')}
${field('quietEnd', 'until', html`<input id="quietEnd" name="quietEnd" type="time" value="${prefs.quietHours?.end ?? ''}" aria-describedby="quietEnd-hint">`, 'Mail due in quiet hours waits until they end, except a firestorm or a meeting within hours.')}
${field('timeZone', 'Time zone', html`<input id="timeZone" name="timeZone" value="${prefs.timeZone ?? ''}" placeholder="Europe/Berlin" aria-describedby="timeZone-hint">`, 'Empty: the account’s time zone.')}
${field('chatKind', 'Also post alerts to chat', html`<select id="chatKind" name="chatKind" aria-describedby="chatKind-hint">
  <option value=""${!prefs.chat ? ' selected' : ''}>No, e-mail only</option>
  <option value="slack"${prefs.chat?.kind === 'slack' ? ' selected' : ''}>Slack</option>
  <option value="teams"${prefs.chat?.kind === 'teams' ? ' selected' : ''}>Microsoft Teams</option>
</select>`, 'A copy of each alert, with the same buttons, in a channel of yours.')}
${field('chatUrl', 'Incoming webhook address', html`<input id="chatUrl" name="chatUrl" type="url" value="${prefs.chat?.url ?? ''}" placeholder="https://hooks.slack.com/services/…" aria-describedby="chatUrl-hint">`, 'Slack: Apps → Incoming Webhooks. Teams: a channel’s Workflows → “Post to a channel when a webhook request is received”.')}
<button type="submit" class="primary">Save preferences</button>
</form>
</div>`);
}
