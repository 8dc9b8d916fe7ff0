// The image page (/images/{id}): preview, caption, facts, processing states, and the actions. Retry,
// Re-caption, Delete and Replay are offered only with the `write` right.

import { getImage, retryImage, recaptionImage, deleteImage } from './api.js';
import { connectLive } from './live.js';
import { deadLetterPanel } from './dead-letters.js';
import { similarPanel } from './similar-photos.js';
import { CaptionerChoice, providerName, providerAndModel } from './captioners.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';
import {
  el, badge, animationLabel, formatBytes, formatInstant, formatCameraTime, formatDuration, between, formatNumber, isOffline,
} from './format.js';

const $ = id => document.getElementById(id);
const id = (/^\/images\/([0-9a-fA-F-]{36})\/?$/.exec(location.pathname) ?? [])[1] ?? '';

const page = $('image-page');
const heading = $('image-heading');
const status = $('page-status');
const layout = $('image-layout');
const buttons = { retry: $('retry'), recaption: $('recaption'), delete: $('delete') };
const dialog = $('confirm-delete');
const recaptionForm = $('recaption-form');
const choice = new CaptionerChoice({
  select: $('recaption-provider'),
  model: $('recaption-model'),
  hint: $('recaption-hint'),
  notes: $('recaption-unavailable'),
});

let image = null;
let busy = false;
let gone = false;
let pendingAction = null; // 'Retry' or 'Re-caption' while its work is still running
let liveUpdates = 0; // live events seen for this image: newer than any answer to a request sent before them
let canWrite = false; // known once the account is read

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

/** A definition list from [label, value] pairs; pairs without a value are left out. */
function fillFacts(list, pairs) {
  const items = [];
  for (const [label, value] of pairs) {
    if (value === null || value === undefined || value === '' || (typeof value === 'number' && Number.isNaN(value))) continue;
    items.push(el('div', { className: 'fact' }, el('dt', {}, label), el('dd', {}, value)));
  }
  list.replaceChildren(...items);
  return items.length;
}

function renderPreview(current) {
  const figure = $('preview');
  const thumbnail = current.thumbnail ?? {};
  if (thumbnail.previewUrl) {
    const existing = figure.querySelector('img');
    if (existing && existing.getAttribute('src') === thumbnail.previewUrl) {
      existing.alt = current.caption?.text || `Preview of ${current.fileName}`;
      return;
    }
    const img = el('img', {
      className: 'preview-img',
      alt: current.caption?.text || `Preview of ${current.fileName}`,
      width: current.width || undefined,
      height: current.height || undefined,
      decoding: 'async',
    });
    img.addEventListener('error', () => {
      figure.dataset.state = 'failed';
      figure.replaceChildren(el('p', { className: 'preview-placeholder' }, 'The preview could not be loaded.'));
    }, { once: true });
    img.src = thumbnail.previewUrl;
    figure.dataset.state = 'done';
    figure.replaceChildren(el('a', { href: current.originalUrl, className: 'preview-link', title: 'Open the original' }, img));
    return;
  }
  const state = thumbnail.state ?? 'pending';
  const text = {
    pending: 'The preview is waiting to be made…',
    processing: 'Making the preview…',
    failed: 'The preview could not be made.',
  }[state] ?? 'No preview.';
  figure.dataset.state = state;
  figure.replaceChildren(el('p', { className: 'preview-placeholder' }, text,
    state === 'failed' && thumbnail.error ? el('span', { className: 'reason' }, thumbnail.error) : null));
}

/** Who is asked for the caption being written: the requested provider/model, else the default captioner. */
function requestedBy(caption) {
  const requested = caption.requested;
  if (!requested || (!requested.provider && !requested.model)) return 'the default captioner';
  return requested.provider ? providerAndModel(requested.provider, requested.model) : `the default provider with model ${requested.model}`;
}

function renderCaption(current) {
  const caption = current.caption ?? {};
  const parts = [];
  if (caption.text) {
    parts.push(el('p', { className: 'caption-text' }, caption.text));
    if (isOffline(caption)) {
      parts.push(el('p', { className: 'offline-note' },
        el('span', { className: 'offline-label' }, 'offline description'),
        ' Written by the built-in describer from colours and EXIF data, not by an AI model.'));
    } else if (caption.provider) {
      parts.push(el('p', { className: 'caption-source' },
        'Written by ', el('strong', {}, providerName(caption.provider)),
        caption.model ? [' (', el('span', { className: 'caption-model' }, caption.model), ')'] : null,
        Number.isFinite(caption.latencyMs) ? ` in ${formatDuration(caption.latencyMs)}` : null, '.'));
    }
    if (caption.fallbackReason) {
      parts.push(el('p', { className: 'fallback-note', attrs: { role: 'note' } },
        `Made by the fallback, ${providerName(caption.provider)}, because `, caption.fallbackReason));
    }
    if (working(caption)) {
      parts.push(el('p', { className: 'caption-working' },
        `A new caption is being written by ${requestedBy(caption)}; this one stays until it is ready.`));
    } else if (caption.state === 'failed') {
      parts.push(el('p', { className: 'reason', attrs: { role: 'note' } },
        'The new caption could not be written: ', caption.error || 'no reason was recorded',
        '. The caption above is the previous one.'));
    }
  } else {
    const text = {
      pending: 'The caption is waiting to be written…',
      processing: 'Writing the caption…',
      failed: 'The caption could not be written.',
    }[caption.state] ?? 'No caption.';
    parts.push(el('p', { className: 'caption-missing', dataset: { state: caption.state ?? 'pending' } }, text));
    if (caption.state === 'failed' && caption.error) parts.push(el('p', { className: 'reason' }, caption.error));
  }
  if (caption.tags?.length) {
    parts.push(el('ul', { className: 'tags', attrs: { 'aria-label': 'Tags' } },
      caption.tags.map(tag => el('li', {}, el('a', { className: 'tag', href: `/?q=${encodeURIComponent(tag)}` }, tag)))));
  }
  $('caption').replaceChildren(...parts);
}

function mapLink(lat, lon) {
  const text = `${formatNumber(lat, 6)}, ${formatNumber(lon, 6)}`;
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=15/${lat}/${lon}`;
  return el('span', { className: 'location' }, el('span', { className: 'coordinates' }, text), ' ',
    el('a', { href, rel: 'noopener noreferrer', target: '_blank' }, 'OpenStreetMap'));
}

function renderFacts(current) {
  fillFacts($('file-facts'), [
    ['Dimensions', current.width && current.height ? `${current.width} × ${current.height} px` : null],
    ['Size', formatBytes(current.sizeBytes)],
    ['Type', current.contentType],
    ['Animation', current.animated ? `${animationLabel(current)}; the preview is the first, the original plays` : null],
    ['Uploaded', formatInstant(current.createdAt)],
    ['Uploaded by', current.uploadedBy?.userName],
    ['Id', el('code', {}, current.id)],
  ]);
  const exif = current.exif ?? {};
  const hasLocation = Number.isFinite(exif.latitude) && Number.isFinite(exif.longitude);
  const shown = fillFacts($('exif-facts'), [
    ['Camera', exif.camera],
    ['Lens', exif.lens],
    ['Taken', exif.takenAt ? formatCameraTime(exif.takenAt) : null],
    ['Location', hasLocation ? mapLink(exif.latitude, exif.longitude) : null],
    ['Exposure', exif.exposureTime],
    ['Aperture', Number.isFinite(exif.fNumber) ? `ƒ/${formatNumber(exif.fNumber, 1)}` : null],
    ['ISO', Number.isFinite(exif.iso) ? String(exif.iso) : null],
    ['Focal length', Number.isFinite(exif.focalLength) ? `${formatNumber(exif.focalLength, 1)} mm` : null],
  ]);
  if (shown === 0) $('exif-facts').replaceChildren(el('p', { className: 'muted' }, 'No camera data in this file.'));
}

function workBlock(title, work, extra) {
  const took = between(work.startedAt, work.finishedAt);
  const list = el('dl', { className: 'facts compact' });
  fillFacts(list, [
    ...extra,
    ['Attempts', work.attempts ? String(work.attempts) : null],
    ['Started', formatInstant(work.startedAt, true)],
    ['Finished', formatInstant(work.finishedAt, true)],
    ['Took', Number.isFinite(took) ? formatDuration(took) : null],
  ]);
  const data = { work: title.toLowerCase(), state: work.state ?? 'pending', finishedAt: work.finishedAt ?? '' };
  return el('div', { className: 'work', dataset: data },
    el('h3', {}, title, ' ', badge(work.state)),
    work.state === 'failed'
      ? el('p', { className: 'reason', attrs: { role: 'note' } }, 'Reason: ', work.error || 'no reason was recorded')
      : null,
    list);
}

function renderProcessing(current) {
  const caption = current.caption ?? {};
  const tokens = caption.inputTokens != null || caption.outputTokens != null
    ? `${caption.inputTokens ?? '?'} in, ${caption.outputTokens ?? '?'} out`
    : null;
  $('processing').replaceChildren(
    workBlock('Thumbnail', current.thumbnail ?? {}, []),
    workBlock('Caption', caption, [
      ['Provider', caption.provider],
      ['Model', caption.model],
      ['Latency', Number.isFinite(caption.latencyMs) ? formatDuration(caption.latencyMs) : null],
      ['Tokens', tokens],
      ['Provider calls', Number.isFinite(caption.providerAttempts) ? String(caption.providerAttempts) : null],
      ['Fallback because', caption.fallbackReason],
      ['Requested', working(caption) && caption.requested ? requestedBy(caption) : null],
    ]));
}

function working(caption) {
  return caption?.state === 'pending' || caption?.state === 'processing';
}

function updateButtons() {
  const failed = image && (image.thumbnail?.state === 'failed' || image.caption?.state === 'failed');
  const captioning = image && ['pending', 'processing'].includes(image.caption?.state);
  buttons.retry.disabled = gone || busy || !failed;
  buttons.recaption.disabled = gone || busy || captioning;
  choice.disabled = gone || busy || captioning;
  buttons.recaption.title = captioning ? 'A caption is being written' : '';
  buttons.delete.disabled = gone || busy;
  buttons.retry.title = failed ? 'Run the failed work again' : 'Nothing has failed';
  buttons.retry.classList.toggle('primary', Boolean(failed));
}

function render(current) {
  image = current;
  document.title = `${current.fileName} · Annotator`;
  heading.textContent = current.fileName;
  page.dataset.state = current.state;
  $('download').href = `${current.originalUrl}?download=true`;
  renderPreview(current);
  renderCaption(current);
  renderFacts(current);
  renderProcessing(current);
  similar?.refresh(current);
  layout.hidden = false;
  updateButtons();
  settle();
}

/** Once the work an action started is over, says how it ended. */
function settle() {
  if (!pendingAction || !image) return;
  const running = [image.thumbnail?.state, image.caption?.state].some(state => state === 'pending' || state === 'processing');
  if (running) return;
  const action = pendingAction;
  pendingAction = null;
  if (action === 'Re-caption') {
    settleRecaption(image.caption ?? {});
    return;
  }
  const failed = image.thumbnail?.state === 'failed' || image.caption?.state === 'failed';
  say(failed ? `${action} finished, but something failed again: the reason is under Processing.` : `${action} finished.`, failed);
}

function settleRecaption(caption) {
  if (caption.state === 'failed') {
    say(`Re-caption failed: ${caption.error || 'no reason was recorded'}.${caption.text ? ' The previous caption is kept.' : ''}`, true);
  } else {
    const by = providerAndModel(caption.provider, caption.model);
    say(`Re-caption finished: a new caption by ${by}${caption.fallbackReason ? ', the fallback' : ''}.`);
  }
  // The button was disabled while the caption was written, which dropped keyboard focus: give it back.
  const focused = document.activeElement;
  if (!focused || focused === document.body || focused === buttons.recaption) buttons.recaption.focus({ preventScroll: true });
}

function showMissing() {
  gone = true;
  document.title = 'No such image · Annotator';
  heading.textContent = 'No such image';
  layout.hidden = true;
  status.replaceChildren(`There is no image with id ${id || '(none)'}. It may have been deleted. `,
    el('a', { href: '/' }, 'Go to the gallery'));
  status.classList.add('error');
}

async function act(name, action, doing) {
  busy = true;
  pendingAction = null;
  updateButtons();
  const seen = liveUpdates;
  try {
    const result = await action(id);
    say(doing);
    pendingAction = name;
    // The answer shows the image as the action left it, unless a live event has already shown later work.
    if (result && result.id && liveUpdates === seen) render(result);
    else settle();
  } catch (error) {
    if (error.status === 404) showMissing();
    else say(`${name} ${error.status === 400 ? 'refused' : 'failed'}: ${error.message}`, true);
  } finally {
    busy = false;
    updateButtons();
  }
}

buttons.retry.addEventListener('click', () => act('Retry', retryImage, 'Retrying the failed work…'));
recaptionForm.addEventListener('submit', event => {
  event.preventDefault();
  if (buttons.recaption.disabled) return;
  const chosen = choice.value;
  act('Re-caption', imageId => recaptionImage(imageId, chosen), `Writing a new caption with ${choice.describe()}…`);
});
const account = showAccount().then(user => {
  canWrite = can(user, 'write');
  if (canWrite) choice.load();
  return user;
});

buttons.delete.addEventListener('click', () => dialog.showModal());
dialog.addEventListener('close', async () => {
  if (dialog.returnValue !== 'delete') return;
  dialog.returnValue = '';
  busy = true;
  updateButtons();
  try {
    await deleteImage(id);
    gone = true;
    sessionStorage.setItem('annotator:flash', `Deleted “${image?.fileName ?? id}”.`);
    location.assign('/');
  } catch (error) {
    busy = false;
    updateButtons();
    say(`Delete failed: ${error.message}`, true);
  }
});

async function load() {
  const seen = liveUpdates;
  try {
    const current = await getImage(id);
    if (!current) showMissing();
    else if (liveUpdates === seen) render(current); // else a live event already showed something newer
  } catch (error) {
    say(`Could not load the image: ${error.message}`, true);
  } finally {
    page.setAttribute('aria-busy', 'false');
  }
}

const similar = id ? similarPanel($('similar-section'), $('similar-list'), id) : null;
const firstLoad = id ? load() : Promise.resolve(showMissing());
const deadLetters = id ? deadLetterPanel($('dead-section'), $('dead-letters'), id, say, () => canWrite) : null;
account.then(() => deadLetters?.refresh()); // Replay buttons follow the account's rights

connectLive({
  onImage: changed => {
    if (changed.id !== id || gone) return;
    liveUpdates += 1;
    render(changed);
    deadLetters?.refresh(); // a replay's work has moved, or the last attempt has just given up
  },
  onDeleted: deleted => {
    if (deleted !== id || busy) return;
    gone = true;
    updateButtons();
    say('This image has just been deleted.', true);
  },
  onResync: () => firstLoad.then(() => {
    if (gone) return;
    load();
    deadLetters?.refresh();
  }),
}, $('live-status'));
