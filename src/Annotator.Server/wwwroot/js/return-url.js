// Where to go after signing in. Only a path on this site is accepted: it must start with exactly one "/"
// ("//host" and "/\host" are other sites to a browser), hold no control characters, and still be on this
// origin once the browser has parsed it. Anything else (a full URL, "javascript:", garbage) means "/".

const SIGN_IN_PAGES = new Set(['/signin', '/signin.html', '/setup', '/setup.html']);

/** The same-site path to return to, or "/" when `value` is missing or points anywhere else. */
export function safeReturnUrl(value) {
  if (typeof value !== 'string' || value === '') return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  let parsed;
  try {
    parsed = new URL(value, location.origin);
  } catch {
    return '/';
  }
  if (parsed.origin !== location.origin) return '/';
  // Coming back to the sign-in page itself would only ask again.
  if (SIGN_IN_PAGES.has(parsed.pathname)) return '/';
  return parsed.pathname + parsed.search + parsed.hash;
}

/** The sign-in page, asked to come back to `path` (by default the page shown now) afterwards. */
export function signInAddress(path = location.pathname + location.search) {
  const back = safeReturnUrl(path);
  return back === '/' ? '/signin' : `/signin?returnUrl=${encodeURIComponent(back)}`;
}

/** True on the pages a signed-out person is meant to see (where a 401 must not send them away again). */
export function onSignInPage() {
  return SIGN_IN_PAGES.has(location.pathname);
}
