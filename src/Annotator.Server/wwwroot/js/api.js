// The REST API as the pages use it. Errors are RFC 9457 problem+json: the person sees `detail`
// (or `title` when there is no detail), never a raw status line when the server said more.
// A 401 means the session has ended (or never began): the browser goes to the sign-in page, which
// brings it back here afterwards; the call that met it never settles, so no error flashes meanwhile.

import { signInAddress, onSignInPage } from './return-url.js';

export const PAGE_SIZE = 48;

export class ApiError extends Error {
  /** `retryAfter`: seconds the server asked to wait (a 429's Retry-After), else null. */
  constructor(message, status, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

let leaving = false;

/**
 * Sends the browser to the sign-in page (once) and returns a promise that never settles. On the sign-in
 * and setup pages themselves a 401 is an answer to show, so `redirectOn401: false` requests get it as an error.
 */
export function goToSignIn() {
  if (!leaving) {
    leaving = true;
    location.assign(signInAddress());
  }
  return new Promise(() => {});
}

function retryAfterSeconds(value) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The one line to show for a refused or failed request. */
export function problemMessage(status, body, statusText = '') {
  if (body && typeof body.detail === 'string' && body.detail.trim()) return body.detail;
  // A bare title on a 5xx is generic ("An error occurred…"): say that it is the server's fault.
  if (body && typeof body.title === 'string' && body.title.trim()) {
    return status >= 500 ? `Server error ${status}: ${body.title}` : body.title;
  }
  if (status === 0) return 'The server could not be reached.';
  return `The server answered ${status}${statusText ? ` ${statusText}` : ''}.`;
}

async function request(method, url, { signal, allowNotFound = false, json, redirectOn401 = true } = {}) {
  let response;
  const headers = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  try {
    response = await fetch(url, { method, signal, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError('The server could not be reached. Check the connection and try again.', 0);
  }
  if (response.status === 401 && redirectOn401 && !onSignInPage()) return goToSignIn();
  if (allowNotFound && response.status === 404) return null;
  const body = parseJson(await response.text());
  if (!response.ok) {
    throw new ApiError(problemMessage(response.status, body, response.statusText), response.status,
      retryAfterSeconds(response.headers.get('Retry-After')));
  }
  return body;
}

// Accounts and sessions

/** `GET /api/auth/me`: `{ id, userName, role, rights, via, sso }`; a 401 goes to the sign-in page. */
export function getMe(signal) {
  return request('GET', '/api/auth/me', { signal });
}

/** `GET /api/auth/options` (anonymous): `{ setupNeeded, sso: { name, url } | null }`. */
export function getAuthOptions(signal) {
  return request('GET', '/api/auth/options', { signal, redirectOn401: false });
}

/** Signs in with a password; a wrong name or password is an ApiError 401, too many tries a 429. */
export function signIn(userName, password) {
  return request('POST', '/api/auth/login', { json: { userName, password }, redirectOn401: false });
}

export function signOut() {
  return request('POST', '/api/auth/logout', { redirectOn401: false });
}

/** Makes the first admin with the one-time code from the server's log (and signs them in). */
export function setUp(code, userName, password) {
  return request('POST', '/api/auth/setup', { json: { code, userName, password }, redirectOn401: false });
}

/** Changes my own password; every other session of mine ends. A wrong current password is an ApiError 403. */
export function changePassword(currentPassword, newPassword) {
  return request('POST', '/api/auth/password', { json: { currentPassword, newPassword } });
}

// Users (admin)

export function listUsers(signal) {
  return request('GET', '/api/users', { signal });
}

/** `{ userName, password?, role }` → the new user. */
export function createUser(user) {
  return request('POST', '/api/users', { json: user });
}

/** `changes`: `{ role?, password?, disabled? }` → the user as changed. */
export function updateUser(id, changes) {
  return request('PATCH', `/api/users/${encodeURIComponent(id)}`, { json: changes });
}

export function deleteUser(id) {
  return request('DELETE', `/api/users/${encodeURIComponent(id)}`);
}

/** Signs the user out everywhere: `{ ended: n }`. */
export function endSessions(id) {
  return request('DELETE', `/api/users/${encodeURIComponent(id)}/sessions`);
}

// Personal access tokens

/** The caller's own tokens; `all` (admins): everyone's. */
export function listTokens({ all = false } = {}, signal) {
  return request('GET', all ? '/api/tokens?all=true' : '/api/tokens', { signal });
}

/** `{ name, scopes, expiresInDays }` → `{ id, name, token, scopes, expiresAt }`; `token` is never shown again. */
export function createToken(token) {
  return request('POST', '/api/tokens', { json: token });
}

export function revokeToken(id) {
  return request('DELETE', `/api/tokens/${encodeURIComponent(id)}`);
}

// Audit log (admin)

/** One page, newest first: `{ items, nextCursor }`. */
export function listAudit({ before = '', limit = 50, actor = '', target = '' } = {}, signal) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (before) params.set('before', before);
  if (actor) params.set('actor', actor);
  if (target) params.set('target', target);
  return request('GET', `/api/audit?${params}`, { signal });
}

function filterParams({ q = '', state = '', mine = false, review = '', provider = '', model = '', similar = false }) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (state) params.set('state', state);
  if (mine) params.set('mine', 'true');
  if (similar) params.set('similar', 'true');
  if (review) params.set('review', review);
  if (provider) params.set('provider', provider);
  if (model) params.set('model', model);
  return params;
}

/**
 * One page of images, newest first: `{ items, nextCursor }`; `mine`: only the caller's uploads; `review`: review
 * states (`unreviewed`, `accepted`, `edited`, `rejected`, comma-separated); `provider`, `model`: the prediction's maker;
 * `similar`: only images with near-duplicates.
 */
export function listImages({ cursor = '', limit = PAGE_SIZE, ...filters } = {}, signal) {
  const params = filterParams(filters);
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return request('GET', `/api/images?${params}`, { signal });
}

/** An image's near-duplicates, nearest first: `{ hashed, items: [{ distance, image }] }` (`hashed` false before its thumbnail). */
export function similarImages(id, signal) {
  return request('GET', `/api/images/${encodeURIComponent(id)}/similar`, { signal });
}

/** How many images the filters of `listImages` take in all: `{ count }`. */
export function countImages(filters = {}, signal) {
  return request('GET', `/api/images/count?${filterParams(filters)}`, { signal });
}

/**
 * Reviews an image's caption: `{ status: 'accepted' }`, `{ status: 'edited', text, tags? }` or
 * `{ status: 'rejected', reason? }`; resolves to the image as stored.
 */
export function reviewImage(id, review) {
  return request('PUT', `/api/images/${encodeURIComponent(id)}/annotation`, { json: review });
}

/**
 * Starts a dataset export: `{ format, q?, review?, split?: { train, validation, test }, maxEdge?, metadata? }`;
 * resolves to the job (`{ id, state, total, done, progress, url, downloadUrl }`).
 */
export function startExport(body) {
  return request('POST', '/api/exports', { json: body });
}

/** An export's progress, or null when the server does not know it. */
export function getExport(id, signal) {
  return request('GET', `/api/exports/${encodeURIComponent(id)}`, { signal, allowNotFound: true });
}

/** Accepts the predictions of the unreviewed images among `ids`: `{ accepted: [id…], skipped }`. */
export function acceptImages(ids) {
  return request('POST', '/api/annotations/accept', { json: { ids } });
}

/** The image, or null when there is no image with this id. */
export function getImage(id, signal) {
  return request('GET', `/api/images/${encodeURIComponent(id)}`, { signal, allowNotFound: true });
}

export function retryImage(id) {
  return request('POST', `/api/images/${encodeURIComponent(id)}/retry`);
}

/**
 * Asks for a new caption. `choice` is `{ provider?, model? }`; without either the server's default
 * captioner (with its fallbacks) writes it, exactly as a request with no body.
 */
export function recaptionImage(id, choice = {}) {
  const body = choiceBody(choice);
  return request('POST', `/api/images/${encodeURIComponent(id)}/recaption`, { json: body ?? undefined });
}

/** What the functions gave up on for this image: `[{ id, function, attempts, reason, at, replayUrl }]`. */
export function listDeadLetters(imageId, signal) {
  return request('GET', `/api/dead-letters?image=${encodeURIComponent(imageId)}`, { signal });
}

export function replayDeadLetter(deadLetter) {
  return request('POST', deadLetter.replayUrl);
}

/** `GET /api/captioners`: `{ defaultProvider, fallback, providers: [{ provider, model, available, reason, … }] }`. */
export function getCaptioners(signal) {
  return request('GET', '/api/captioners', { signal });
}

/** Starts a bulk re-caption of what `q` and `state` select (neither: every image); resolves to the job. */
export function startRecaptionJob({ q = '', state = '', provider = '', model = '' } = {}) {
  const body = { ...choiceBody({ provider, model }) };
  if (q) body.q = q;
  if (state) body.state = state;
  return request('POST', '/api/recaptions', { json: body });
}

/** A job's progress, or null when the server no longer knows it. */
export function getRecaptionJob(id, signal) {
  return request('GET', `/api/recaptions/${encodeURIComponent(id)}`, { signal, allowNotFound: true });
}

function choiceBody({ provider = '', model = '' }) {
  const body = {};
  if (provider && provider.trim()) body.provider = provider.trim();
  if (model && model.trim()) body.model = model.trim();
  return Object.keys(body).length ? body : null;
}

/** Resolves true when the image is gone (deleted now, or already gone before). */
export async function deleteImage(id) {
  const result = await request('DELETE', `/api/images/${encodeURIComponent(id)}`, { allowNotFound: true });
  return result === null || result === undefined;
}

/**
 * Uploads one file as multipart field `file` with XMLHttpRequest, which (unlike fetch) reports upload
 * progress. Never rejects: resolves `{ ok: true, image }` on 201, `{ ok: true, image, duplicate: true }` on a 200 whose
 * `duplicateOf` says the same bytes were already uploaded (the image is that one), else `{ ok: false, status, message }`.
 */
export function uploadFile(file, { onProgress = () => {}, onSent = () => {} } = {}) {
  return new Promise(resolve => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/images');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', event => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.upload.addEventListener('load', () => onSent());
    xhr.addEventListener('load', () => {
      if (xhr.status === 401 && !onSignInPage()) {
        goToSignIn();
        return;
      }
      const body = parseJson(xhr.responseText);
      if (xhr.status === 201 && body && body.id) resolve({ ok: true, image: body });
      else if (xhr.status === 200 && body && body.id && body.duplicateOf) resolve({ ok: true, image: body, duplicate: true });
      else resolve({ ok: false, status: xhr.status, message: problemMessage(xhr.status, body, xhr.statusText) });
    });
    xhr.addEventListener('error', () => resolve({
      ok: false,
      status: 0,
      message: 'The upload failed: the connection to the server was lost (the file may be larger than the server accepts).',
    }));
    xhr.addEventListener('abort', () => resolve({ ok: false, status: 0, message: 'The upload was cancelled.' }));
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
