// The REST API as the pages use it. Errors are RFC 9457 problem+json: the person sees `detail`
// (or `title` when there is no detail), never a raw status line when the server said more.

export const PAGE_SIZE = 48;

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
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

async function request(method, url, { signal, allowNotFound = false, json } = {}) {
  let response;
  const headers = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  try {
    response = await fetch(url, { method, signal, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError('The server could not be reached. Check the connection and try again.', 0);
  }
  if (allowNotFound && response.status === 404) return null;
  const body = parseJson(await response.text());
  if (!response.ok) throw new ApiError(problemMessage(response.status, body, response.statusText), response.status);
  return body;
}

/** One page of images, newest first: `{ items, nextCursor }`. */
export function listImages({ q = '', state = '', cursor = '', limit = PAGE_SIZE } = {}, signal) {
  const params = new URLSearchParams({ limit: String(limit) });
  if (q) params.set('q', q);
  if (state) params.set('state', state);
  if (cursor) params.set('cursor', cursor);
  return request('GET', `/api/images?${params}`, { signal });
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
 * progress. Never rejects: resolves `{ ok: true, image }` on 201, else `{ ok: false, status, message }`.
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
      const body = parseJson(xhr.responseText);
      if (xhr.status === 201 && body && body.id) resolve({ ok: true, image: body });
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
