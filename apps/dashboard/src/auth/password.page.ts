import type { FieldProblem } from '@forewarn/service-kit';
import { type Html, html } from '../web/html';
import { layout, type PageContext } from '../web/layout';

export interface PasswordPageState {
  /** The password was changed; how many other sessions ended. */
  changed?: { sessionsEnded: number };
  errors?: FieldProblem[];
  /** A message about the whole form (e.g. too many attempts). */
  notice?: string;
}

/** "Change password": the current one, the new one twice. Changing it signs you out everywhere else. */
export function passwordPage(ctx: PageContext, state: PasswordPageState = {}): Html {
  const errorFor = (field: string) => state.errors?.find((e) => e.field === field)?.message;
  const field = (name: string, label: string, autocomplete: string, hint: string) => html`<div class="field${errorFor(name) ? ' invalid' : ''}">
<label for="${name}">${label}</label><input id="${name}" name="${name}" type="password" autocomplete="${autocomplete}" required aria-describedby="${name}-hint">
<p class="hint" id="${name}-hint">${errorFor(name) ?? hint}</p></div>`;
  const ended = state.changed?.sessionsEnded ?? 0;
  return layout('Change password', ctx, html`<div class="card narrow">
<h1>Change password</h1>
${state.changed ? html`<p class="notice" role="status">Your password is changed.${ended ? ` You were signed out of ${ended} other session${ended === 1 ? '' : 's'}.` : ''}</p>` : ''}
${state.notice ? html`<p class="notice error" role="alert">${state.notice}</p>` : ''}
${state.errors?.length && !state.notice ? html`<p class="notice error" role="alert">Please check the fields marked below.</p>` : ''}
<p class="muted">Changing your password signs you out everywhere else; this browser stays signed in.</p>
<form method="post" action="/password">
${field('currentPassword', 'Current password', 'current-password', 'The one you signed in with.')}
${field('newPassword', 'New password', 'new-password', 'At least 8 characters; a few unrelated words make a good one.')}
${field('repeatPassword', 'New password again', 'new-password', 'The same as above, to be sure.')}
<button type="submit" class="primary">Change password</button>
</form>
</div>`);
}
