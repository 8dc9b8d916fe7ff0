// The sign-in page (/signin): user name and password, or the single sign-on link when the server has
// one; afterwards back to `returnUrl`, which must be a path on this site (see return-url.js). A refused
// single sign-on comes back here with its one-line reason in `?error=`.

import { signIn, getAuthOptions, getMe } from './api.js';
import { safeReturnUrl } from './return-url.js';
import { el } from './format.js';

const $ = id => document.getElementById(id);

const params = new URLSearchParams(location.search);
const returnUrl = safeReturnUrl(params.get('returnUrl'));

const form = $('signin-form');
const userName = $('user-name');
const password = $('password');
const button = $('signin-button');
const error = $('signin-error');

function showError(text) {
  error.textContent = text;
  error.hidden = !text;
}

// A refused single sign-on: its reason, one line, as text.
const ssoError = (params.get('error') ?? '').trim();
if (ssoError) {
  const note = $('sso-error');
  note.textContent = `Single sign-on did not sign you in: ${ssoError.slice(0, 300)}`;
  note.hidden = false;
}

let waitTimer = 0;

/** After a 429, the button stays off until the server's Retry-After has passed. */
function waitBeforeRetry(message, seconds) {
  clearInterval(waitTimer);
  let left = seconds;
  const tick = () => {
    if (left <= 0) {
      clearInterval(waitTimer);
      button.disabled = false;
      button.textContent = 'Sign in';
      return;
    }
    button.textContent = `Sign in (wait ${left} s)`;
    left -= 1;
  };
  showError(message);
  button.disabled = true;
  tick();
  waitTimer = setInterval(tick, 1000);
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  const name = userName.value.trim();
  if (!name || !password.value) {
    showError(!name ? 'Enter your user name.' : 'Enter your password.');
    (!name ? userName : password).focus();
    return;
  }
  showError('');
  button.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    await signIn(name, password.value);
    location.replace(returnUrl);
    return;
  } catch (failure) {
    password.value = '';
    if (failure.status === 429 && failure.retryAfter > 0) {
      waitBeforeRetry(failure.message, failure.retryAfter);
      return;
    }
    showError(failure.message);
    password.focus();
  } finally {
    form.removeAttribute('aria-busy');
  }
  button.disabled = false;
});

/** The single sign-on address, asked to come back to the same place; only a link on this site is used. */
function ssoAddress(url) {
  try {
    const target = new URL(url, location.origin);
    if (target.origin !== location.origin || !/^\/(?!\/)/.test(target.pathname)) return null;
    target.searchParams.set('returnUrl', returnUrl);
    return target.pathname + target.search;
  } catch {
    return null;
  }
}

async function start() {
  try {
    const options = await getAuthOptions();
    if (options?.setupNeeded) {
      $('setup-needed').hidden = false;
      form.hidden = true;
    }
    const address = options?.sso?.url ? ssoAddress(options.sso.url) : null;
    if (address) {
      const link = $('sso-link');
      link.href = address;
      link.textContent = `Sign in with ${options.sso.name || 'single sign-on'}`;
      $('sso').hidden = false;
    }
  } catch (failure) {
    showError(`Could not read how to sign in: ${failure.message}`);
  }
  // Signed in already (e.g. Back after signing in): say so, and offer the way on rather than leave by itself.
  try {
    const user = await getMe();
    if (user?.userName) {
      const note = $('already');
      note.replaceChildren(`You are signed in as ${user.userName}. `, el('a', { href: returnUrl }, 'Continue'));
      note.hidden = false;
    }
  } catch {
    // Signed out: the form is what this page is for.
  }
  if (!form.hidden) userName.focus();
}

start();
