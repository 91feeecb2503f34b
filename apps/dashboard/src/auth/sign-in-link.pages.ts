import { type Html, html, raw } from '../web/html';
import { layout } from '../web/layout';

const CSS = `
.login{max-width:420px;margin:8vh auto 0}
.login form{display:flex;flex-direction:column;gap:14px;margin-top:18px}
.login label{display:flex;flex-direction:column;gap:4px;font-weight:600;font-size:14px}
.login input{font:inherit;font-size:16px;padding:10px;border:1px solid #9aa1a9;border-radius:6px}
.login button{font-size:16px;padding:10px}
`;

const page = (title: string, body: Html): Html => layout(title, null, html`<div class="login card">${body}</div>`, html`<style>${raw(CSS)}</style>`);

/** Asks for the address to mail a sign-in link to. */
export function linkRequestPage(options: { email?: string | null; notice?: string | null } = {}): Html {
  return page('Sign in by e-mail', html`<h1>Sign in by e-mail</h1>
<p class="muted">We mail you a link that signs you in once, within 15 minutes. No password needed.</p>
${options.notice ? html`<p class="error" role="alert">${options.notice}</p>` : ''}
<form method="post" action="/login/link">
  <label>E-mail<input type="email" name="email" autocomplete="username" required autofocus value="${options.email ?? ''}"></label>
  <button class="primary" type="submit">E-mail me a sign-in link</button>
</form>
<p><a href="/login">Sign in with a password instead</a></p>`);
}

/** The same answer whether or not the address belongs to anyone. */
export function linkSentPage(): Html {
  return page('Check your mail', html`<h1>Check your mail</h1>
<p role="status">If that address belongs to a Forewarn user, a sign-in link is on its way. It works once, for 15 minutes.</p>
<p><a href="/login/link">Send another</a> · <a href="/login">Sign in with a password</a></p>`);
}

/** Mail scanners open links: signing in takes a press of the button. */
export function confirmLinkSignInPage(token: string, email: string): Html {
  return page('Sign in', html`<h1>Sign in to Forewarn</h1>
<p>As <strong>${email}</strong>.</p>
<form method="post" action="/login/link/${token}"><input type="hidden" name="tz" value="" data-timezone><button class="primary" type="submit">Sign in</button></form>`);
}

export function deadLinkPage(what: 'sign-in' | 'invite'): Html {
  return what === 'sign-in'
    ? page('Link expired', html`<h1>This link no longer works</h1><p>Sign-in links work once, for 15 minutes.</p><p><a href="/login/link">Send a new link</a> · <a href="/login">Sign in with a password</a></p>`)
    : page('Invitation expired', html`<h1>This invitation no longer works</h1><p>Invitations work once, for 7 days. Ask an admin to invite you again.</p><p><a href="/login">Sign in</a></p>`);
}

/** Choose a password for an invited account. */
export function acceptInvitePage(token: string, email: string, problem: string | null = null): Html {
  return page('Set up your account', html`<h1>Welcome to Forewarn</h1>
<p>Choose a password for <strong>${email}</strong>. Next time you can also sign in by e-mail.</p>
${problem ? html`<p class="error" role="alert">${problem}</p>` : ''}
<form method="post" action="/invite/${token}">
  <input type="hidden" name="tz" value="" data-timezone>
  <label>New password<input type="password" name="password" autocomplete="new-password" required minlength="8" aria-describedby="pw-hint"></label>
  <p class="sub" id="pw-hint">At least 8 characters; a few unrelated words make a good one.</p>
  <label>New password again<input type="password" name="repeat" autocomplete="new-password" required></label>
  <button class="primary" type="submit">Set my password and sign in</button>
</form>`);
}
