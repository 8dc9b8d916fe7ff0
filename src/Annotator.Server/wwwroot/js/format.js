// Small DOM and formatting helpers. Every string goes in as text, never as HTML.

/**
 * Makes an element: `el('a', { href: '/', className: 'x', dataset: { id } }, 'text', child)`.
 * Properties are set as DOM properties (so `textContent`, never `innerHTML`); `attrs` sets attributes.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'attrs') for (const [name, v] of Object.entries(value)) node.setAttribute(name, v);
    else node[key] = value;
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const STATE_LABELS = { pending: 'Pending', processing: 'Processing', done: 'Done', failed: 'Failed' };

export function stateLabel(state) {
  return STATE_LABELS[state] ?? String(state ?? 'unknown');
}

/** A state badge: colour and text, so the state never depends on colour alone. */
export function badge(state, prefix = '') {
  return el('span', { className: 'badge', dataset: { state: state ?? 'unknown' } }, prefix + stateLabel(state));
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** An instant (with offset) in the reader's time zone. */
export function formatInstant(iso, withSeconds = false) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return (withSeconds ? dateTimeSeconds : dateTime).format(date);
}

/** EXIF time has no zone: it is the camera's clock, so it is shown as written, not converted. */
export function formatCameraTime(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text ?? '');
  if (!match) return text ?? '';
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function between(startIso, endIso) {
  if (!startIso || !endIso) return NaN;
  return new Date(endIso).getTime() - new Date(startIso).getTime();
}

export function formatNumber(value, maxDigits = 2) {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: maxDigits }).format(value);
}

/** Newest first: by creation time, then by id (ids are time-ordered too). */
export function newerFirst(a, b) {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The caption came from the built-in describer, not from a vision model. */
export function isOffline(caption) {
  return caption?.provider === 'offline';
}

const ANIMATED_FORMATS = { 'image/gif': 'GIF', 'image/webp': 'WebP', 'image/png': 'APNG' };

/** "GIF · 12 frames" for an animated image, null for a still one: its preview and thumbnail show only the first frame. */
export function animationLabel(image) {
  if (!image.animated) return null;
  return `${ANIMATED_FORMATS[image.contentType] ?? 'Animated'} · ${image.frames} frames`;
}
