import { type Html, html, raw } from '../web/html';
import { layout } from '../web/layout';

const ERRORS: Record<string, string> = {
  invalid: 'That e-mail address and password do not match. Check both and try again.',
  missing: 'Enter your e-mail address and password.',
  origin: 'The sign-in form came from another site, so it was refused. Open this page directly and try again.',
  expired: 'Your session has ended. Sign in again.',
};

const CSS = `
.login{max-width:400px;margin:8vh auto 0}
.login h1{font-size:28px}
.login form{display:flex;flex-direction:column;gap:14px;margin-top:18px}
.login label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:14px}
.login input{font:inherit;font-size:16px;padding:10px;border:1px solid #9aa1a9;border-radius:6px}
.login button{font-size:16px;padding:10px}
`;

/** The sign-in form; `notice` is a message of its own (e.g. how long to wait after too many attempts). */
export function loginPage(options: { next: string; error: string | null; email: string | null; signedOut: boolean; notice?: string }): Html {
  const message = options.notice ?? (options.error ? ERRORS[options.error] ?? ERRORS.invalid : null);
  const body = html`<div class="login card">
  <h1>Fore<span style="color:#b3261e">warn</span></h1>
  <p class="muted">Which customer accounts are burning before your next meeting.</p>
  ${message ? html`<p class="error" role="alert">${message}</p>` : ''}
  ${options.signedOut && !message ? html`<p class="note" role="status">You are signed out.</p>` : ''}
  <form method="post" action="/login">
    <input type="hidden" name="next" value="${options.next}">
    <input type="hidden" name="tz" value="" data-timezone>
    <label>E-mail<input type="email" name="email" autocomplete="username" required autofocus value="${options.email ?? ''}"></label>
    <label>Password<input type="password" name="password" autocomplete="current-password" required></label>
    <button class="primary" type="submit">Sign in</button>
  </form>
  <p><a href="/login/link">E-mail me a sign-in link instead</a></p>
</div>`;
  return layout('Sign in', null, body, html`<style>${raw(CSS)}</style>`);
}
