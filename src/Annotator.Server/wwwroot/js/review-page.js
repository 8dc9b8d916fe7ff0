// The review queue page (/review): one image large with its prediction, keyboard first. A (accept), E (edit),
// R (reject; Shift+R with a reason), S or → (skip), B or ← (back). A review is sent in the background and the next
// image, already decoded, is shown at once; a review the server refuses is reported, and B goes back to it. The
// filters live in the address (?review=&provider=&model=&q=). Live changes from other reviewers update the queue.

import { reviewImage, getCaptioners } from './api.js';
import { ReviewQueue } from './review-queue.js';
import { connectLive } from './live.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';
import { el, formatInstant } from './format.js';

const $ = id => document.getElementById(id);
const PRELOAD = 2;
const STATUS_LABELS = { accepted: 'Accepted', edited: 'Edited', rejected: 'Rejected' };

let queue = null;
let mayWrite = false;
let reviewed = 0;
const decoded = new Map(); // image id → a decoded <img> of its preview, ready to be shown

function filtersFromAddress() {
  const params = new URLSearchParams(location.search);
  const review = params.get('review') ?? 'unreviewed';
  return {
    review: ['unreviewed', 'accepted', 'edited', 'rejected', 'all'].includes(review) ? review : 'unreviewed',
    provider: params.get('provider') ?? '',
    model: (params.get('model') ?? '').trim(),
    q: (params.get('q') ?? '').trim(),
  };
}

function apiFilters(filters) {
  return { ...filters, review: filters.review === 'all' ? '' : filters.review };
}

function previewUrl(image) {
  return image.thumbnail?.previewUrl ?? null;
}

/** Starts loading and decoding the preview of `image`, once; resolves to the element either way. */
function preload(image) {
  const url = previewUrl(image);
  if (!url) return null;
  if (decoded.get(image.id)?.url === url) return decoded.get(image.id);
  const img = el('img', { className: 'review-img', alt: '' });
  img.src = url;
  const ready = img.decode().then(() => img, () => img);
  decoded.set(image.id, { img, ready, url });
  return decoded.get(image.id);
}

function forgetBehind() {
  const keep = new Set([queue.current, ...queue.ahead(PRELOAD)].filter(Boolean).map(image => image.id));
  for (const id of decoded.keys()) if (!keep.has(id)) decoded.delete(id);
}

function showImage(image) {
  const figure = $('review-figure');
  const loaded = preload(image);
  if (!loaded) {
    figure.replaceChildren(el('p', { className: 'preview-placeholder' },
      image.thumbnail?.state === 'failed' ? 'No preview: it could not be made.' : 'The preview is on its way…'));
  } else if (figure.firstElementChild !== loaded.img) {
    loaded.img.alt = image.annotation?.text || image.caption?.text || `Preview of ${image.fileName}`;
    figure.replaceChildren(loaded.img);
  }
  const link = $('review-link');
  link.href = `/images/${encodeURIComponent(image.id)}`;
  link.textContent = image.fileName;

  const caption = image.caption ?? {};
  $('prediction-by').textContent = caption.provider
    ? `by ${caption.provider}${caption.model ? ` ${caption.model}` : ''}${caption.captionedAt ? `, ${formatInstant(caption.captionedAt)}` : ''}`
    : '';
  $('prediction-text').textContent = caption.text
    ?? (caption.state === 'failed' ? `No caption: ${caption.error ?? 'it failed'}` : 'No caption yet.');
  $('prediction-text').classList.toggle('muted', !caption.text);
  $('prediction-tags').replaceChildren(...(caption.tags ?? []).map(tag => el('li', { className: 'tag' }, tag)));

  const annotation = image.annotation;
  const status = $('review-status');
  status.dataset.status = annotation?.status ?? 'unreviewed';
  status.textContent = annotation
    ? `${STATUS_LABELS[annotation.status] ?? annotation.status} by ${annotation.by?.userName ?? 'someone'}, ${formatInstant(annotation.at)}`
      + (annotation.status === 'edited' ? `: “${annotation.text}”` : '')
      + (annotation.reason ? `: ${annotation.reason}` : '')
    : 'Not reviewed yet';
  for (const next of queue.ahead(PRELOAD)) preload(next);
  forgetBehind();
}

function showCounter() {
  const left = queue.left;
  $('review-counter').textContent = `${left} left${reviewed ? ` · ${reviewed} reviewed here` : ''}`;
}

/** Shows the current image, or that nothing is left. */
function render() {
  closeForms();
  const image = queue.current;
  $('review-stage').hidden = !image;
  $('review-stage').setAttribute('aria-busy', 'false');
  const empty = $('review-empty');
  empty.hidden = Boolean(image);
  if (!image) empty.textContent = queue.atStart ? 'No image matches these filters.' : 'Nothing left to review here.';
  else showImage(image);
  showCounter();
  // For the benchmark: from the key to the next image on the screen.
  if (performance.getEntriesByName('review-key').length) {
    requestAnimationFrame(() => {
      performance.measure('review-next', 'review-key');
      performance.clearMarks('review-key');
    });
  }
}

function flash(message) {
  const box = $('flash');
  box.textContent = message;
  box.hidden = !message;
}

/** Sends the review of the current image in the background and moves on at once. */
async function review(body) {
  const image = queue.current;
  if (!image) return;
  if (!mayWrite) {
    flash('Your account may look at captions but not review them.');
    return;
  }
  if (body.status === 'accepted' && !image.caption?.text) {
    flash(`${image.fileName} has no caption to accept yet: edit it (E) with your own, or skip it (S).`);
    return;
  }
  flash('');
  reviewed += 1;
  const saving = reviewImage(image.id, body);
  await forward();
  try {
    queue.update(await saving);
  } catch (error) {
    reviewed -= 1;
    showCounter();
    flash(`The review of ${image.fileName} was not saved: ${error.message} Press B to go back to it.`);
  }
}

async function forward() {
  await queue.forward();
  render();
}

function back() {
  queue.back();
  render();
}

function closeForms() {
  $('review-edit').hidden = true;
  $('review-reject').hidden = true;
  $('review-actions').hidden = !mayWrite;
}

function openEdit() {
  const image = queue.current;
  if (!image || !mayWrite) return;
  const source = image.annotation?.status === 'edited' ? image.annotation : image.caption;
  $('edit-text').value = source?.text ?? '';
  $('edit-tags').value = (source?.tags ?? []).join(', ');
  $('review-actions').hidden = true;
  $('review-edit').hidden = false;
  $('edit-text').focus();
  $('edit-text').select();
}

function openReject() {
  if (!queue.current || !mayWrite) return;
  $('reject-reason').value = '';
  $('review-actions').hidden = true;
  $('review-reject').hidden = false;
  $('reject-reason').focus();
}

function saveEdit(event) {
  event.preventDefault();
  const text = $('edit-text').value.trim();
  if (!text) {
    flash('Write the caption first, or press Esc to cancel.');
    $('edit-text').focus();
    return;
  }
  const tags = $('edit-tags').value.split(',').map(tag => tag.trim()).filter(Boolean);
  review({ status: 'edited', text, tags });
}

function saveReject(event) {
  event.preventDefault();
  const reason = $('reject-reason').value.trim();
  review(reason ? { status: 'rejected', reason } : { status: 'rejected' });
}

const ACTIONS = {
  accept: () => review({ status: 'accepted' }),
  edit: openEdit,
  reject: () => review({ status: 'rejected' }),
  'reject-with-reason': openReject,
  skip: forward,
  back,
};

function keyAction(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  switch (event.key) {
    case 'a': case 'A': return event.shiftKey ? null : 'accept';
    case 'e': case 'E': return event.shiftKey ? null : 'edit';
    case 'r': return 'reject';
    case 'R': return event.shiftKey ? 'reject-with-reason' : 'reject';
    case 's': case 'S': case 'ArrowRight': return 'skip';
    case 'b': case 'B': case 'ArrowLeft': return 'back';
    default: return null;
  }
}

function onKey(event) {
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
  if (typing) {
    if (event.key === 'Escape' && target.closest('#review-edit, #review-reject')) {
      event.preventDefault();
      closeForms();
      document.activeElement?.blur();
    } else if (event.key === 'Enter' && !event.shiftKey && target.id === 'edit-text') {
      event.preventDefault();
      $('review-edit').requestSubmit();
    }
    return;
  }
  if (!queue?.current && event.key !== 'b' && event.key !== 'ArrowLeft') return;
  const action = keyAction(event);
  if (!action) return;
  event.preventDefault();
  performance.clearMarks('review-key');
  performance.mark('review-key');
  ACTIONS[action]();
}

/** Another reviewer's change, a re-caption or a deletion, as it happens. */
function onLiveImage(image) {
  if (!queue?.update(image)) return;
  if (queue.current?.id === image.id && $('review-edit').hidden && $('review-reject').hidden) showImage(image);
}

function onLiveDeleted(id) {
  if (!queue) return;
  const wasCurrent = queue.current?.id === id;
  queue.remove(id);
  if (wasCurrent) render();
  else showCounter();
}

async function fillProviders(selected) {
  const select = $('provider');
  try {
    const captioners = await getCaptioners();
    for (const provider of captioners.providers ?? []) {
      select.append(el('option', { value: provider.provider }, provider.provider));
    }
  } catch {
    // The filter still works for the provider in the address; the list is a convenience.
  }
  if (selected && ![...select.options].some(option => option.value === selected)) select.append(el('option', { value: selected }, selected));
  select.value = selected;
}

async function start() {
  const filters = filtersFromAddress();
  $('review').value = filters.review;
  $('model').value = filters.model;
  $('q').value = filters.q;
  const user = await showAccount();
  mayWrite = can(user, 'write');
  await fillProviders(filters.provider);
  queue = new ReviewQueue(apiFilters(filters));
  try {
    await queue.start();
  } catch (error) {
    flash(`The review queue could not be read: ${error.message}`);
    return;
  }
  render();
}

$('review-filters').addEventListener('submit', event => {
  event.preventDefault();
  const params = new URLSearchParams();
  const chosen = $('review').value;
  if (chosen !== 'unreviewed') params.set('review', chosen);
  if ($('provider').value) params.set('provider', $('provider').value);
  if ($('model').value.trim()) params.set('model', $('model').value.trim());
  if ($('q').value.trim()) params.set('q', $('q').value.trim());
  location.assign(params.size ? `/review?${params}` : '/review');
});
for (const button of document.querySelectorAll('#review-actions [data-action]')) {
  button.addEventListener('click', () => ACTIONS[button.dataset.action]());
}
$('review-edit').addEventListener('submit', saveEdit);
$('review-reject').addEventListener('submit', saveReject);
$('edit-cancel').addEventListener('click', closeForms);
$('reject-cancel').addEventListener('click', closeForms);
document.addEventListener('keydown', onKey);
connectLive({ onImage: onLiveImage, onDeleted: onLiveDeleted }, $('live-status'));
start();
