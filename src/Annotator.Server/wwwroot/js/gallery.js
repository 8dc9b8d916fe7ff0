// The gallery grid: pages of cards, newest first, each card updated in place as its image changes.

import { listImages, countImages, PAGE_SIZE } from './api.js';
import { el, badge, newerFirst, isOffline, animationLabel } from './format.js';

const THUMBNAIL_SIDE = 256;

const THUMBNAIL_WAITING = {
  pending: 'Waiting for thumbnail',
  processing: 'Making thumbnail…',
  failed: 'Thumbnail failed',
};

const CAPTION_WAITING = {
  pending: 'Caption pending',
  processing: 'Writing caption…',
  failed: 'Caption failed',
};

/** The thumbnail's own size (longest side 256), so the box has its shape before the file arrives. */
function thumbnailSize(image) {
  const { width, height } = image;
  if (!(width > 0 && height > 0)) return null;
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function placeholder(text, detail) {
  return el('span', { className: 'thumb-placeholder', title: detail ?? undefined }, text);
}

function renderThumbnail(box, image) {
  const url = image.thumbnail?.url;
  const current = box.querySelector('img');
  if (url && current && current.getAttribute('src') === url) return;
  if (!url) {
    const state = image.thumbnail?.state ?? 'pending';
    box.dataset.state = state;
    box.replaceChildren(placeholder(THUMBNAIL_WAITING[state] ?? 'No thumbnail', image.thumbnail?.error));
    return;
  }
  box.dataset.state = 'done';
  const size = thumbnailSize(image);
  const img = el('img', {
    className: 'thumb-img',
    alt: image.caption?.text || `Thumbnail of ${image.fileName}`,
    decoding: 'async',
    loading: 'lazy',
    width: size?.width,
    height: size?.height,
  });
  img.addEventListener('error', () => {
    box.dataset.state = 'failed';
    img.replaceWith(placeholder('Thumbnail unavailable'));
  }, { once: true });
  img.src = url;
  box.replaceChildren(img);
}

const REVIEW_LABELS = { accepted: 'accepted', edited: 'edited', rejected: 'rejected' };

/** The review state on the card; an edited caption shows the person's words rather than the model's. */
function reviewLabel(annotation) {
  if (!annotation) return null;
  const who = annotation.by?.userName ? ` by ${annotation.by.userName}` : '';
  return el('span', {
    className: 'review-label',
    dataset: { status: annotation.status },
    title: `${REVIEW_LABELS[annotation.status] ?? annotation.status}${who}${annotation.reason ? `: ${annotation.reason}` : ''}`,
  }, REVIEW_LABELS[annotation.status] ?? annotation.status);
}

function renderCaption(slot, image) {
  const caption = image.annotation?.status === 'edited' ? { ...image.caption, text: image.annotation.text } : (image.caption ?? {});
  const children = [];
  const review = reviewLabel(image.annotation);
  if (review) children.push(review);
  if (caption.text) {
    children.push(el('p', { className: 'card-caption' }, caption.text));
  } else {
    const state = caption.state ?? 'pending';
    children.push(el('p', { className: 'card-caption-missing', dataset: { state } },
      CAPTION_WAITING[state] ?? 'No caption',
      state === 'failed' && caption.error ? `: ${caption.error}` : ''));
  }
  if (caption.text && isOffline(caption) && image.annotation?.status !== 'edited') {
    children.push(el('span', {
      className: 'offline-label',
      title: 'Written by the built-in describer from colours and EXIF data, not by an AI model',
    }, 'offline description'));
  }
  // A re-caption keeps the current text until the new one is ready (or failed): say so on the card.
  if (caption.text && (caption.state === 'pending' || caption.state === 'processing')) {
    children.push(el('span', { className: 'recaption-label', dataset: { state: caption.state } }, 'new caption on its way'));
  } else if (caption.text && caption.state === 'failed') {
    children.push(el('span', { className: 'recaption-label', dataset: { state: 'failed' }, title: caption.error ?? undefined },
      'new caption failed'));
  }
  slot.replaceChildren(...children);
  const img = slot.closest('.card')?.querySelector('img');
  if (img && caption.text) img.alt = caption.text;
}

function createCard(image, onSelect) {
  const link = el('a', { className: 'card-link', href: `/images/${encodeURIComponent(image.id)}` });
  const select = el('input', { type: 'checkbox', className: 'card-select', attrs: { 'aria-label': `Select ${image.fileName}` } });
  select.addEventListener('change', () => onSelect(image.id, select.checked));
  return el('li', { className: 'card', dataset: { id: image.id } },
    el('div', { className: 'thumb' }),
    el('span', { className: 'badge' }),
    el('span', { className: 'animation-badge', hidden: true }),
    el('div', { className: 'card-body' },
      el('div', { className: 'card-text' }),
      el('div', { className: 'card-footer' }, select, link)));
}

function fillCard(card, image) {
  card.dataset.state = image.state;
  renderThumbnail(card.querySelector('.thumb'), image);
  renderCaption(card.querySelector('.card-text'), image);
  const link = card.querySelector('.card-link');
  link.textContent = image.fileName;
  link.title = image.fileName;
  card.querySelector('.badge').replaceWith(badge(image.state));
  // The thumbnail is the first frame: the badge says there is more to see in the original.
  const animation = card.querySelector('.animation-badge');
  animation.textContent = animationLabel(image) ?? '';
  animation.hidden = !image.animated;
}

export class Gallery {
  #grid;
  #status;
  #more;
  #images = new Map();
  #cards = new Map();
  #query = { q: '', state: '', mine: false, review: '', similar: false };
  #selected = new Set();
  #nextCursor = null;
  #loading = false;
  #abort = null;
  #observer = null;
  #touched = new Set();
  #deleted = new Set(); // a read that started before a delete may still list the image
  #onChange;
  #loaded = false; // the first page of the current search has arrived
  #total = null; // how many images the search takes in all (GET /api/images/count); null until it answers
  #counting = null;
  #recount = null;

  /** The signed-in account's id, so that "My uploads" can take in a live upload of theirs; null when unknown. */
  userId = null;
  /** Whether the person may upload: the empty gallery invites an upload only then. */
  canUpload = true;

  /** `onChange` runs whenever what is shown changes (a search, a page, a card added or removed, a selection). */
  constructor({ grid, status, more, onChange = () => {} }) {
    this.#onChange = onChange;
    this.#grid = grid;
    this.#status = status;
    this.#more = more;
    more.addEventListener('click', () => this.loadMore());
    if ('IntersectionObserver' in window) {
      // Infinite scroll: the next page loads as the Load more button comes near the viewport.
      this.#observer = new IntersectionObserver(entries => {
        if (entries.some(entry => entry.isIntersecting)) this.loadMore();
      }, { rootMargin: '600px 0px' });
      this.#observer.observe(more);
    }
  }

  get filtered() {
    return Boolean(this.#query.q || this.#query.state || this.#query.mine || this.#query.review || this.#query.similar);
  }

  /** The ids of the cards ticked for a bulk action, in the grid's order. */
  get selected() {
    return [...this.#cards.keys()].filter(id => this.#selected.has(id));
  }

  /** Unticks every card (after a bulk action). */
  clearSelection() {
    this.#selected.clear();
    for (const box of this.#grid.querySelectorAll('.card-select')) box.checked = false;
    this.#onChange();
  }

  #select(id, on) {
    if (on) this.#selected.add(id);
    else this.#selected.delete(id);
    this.#onChange();
  }

  get count() {
    return this.#cards.size;
  }

  /** The search shown: `{ q, state, mine, review, similar }`, empty strings (and false) for none. */
  get query() {
    return { ...this.#query };
  }

  /** True once the first page of the search shown has arrived. */
  get loaded() {
    return this.#loaded;
  }

  /** True when every image of the search is loaded (no further page), so `count` is the whole result. */
  get complete() {
    return this.#loaded && !this.#nextCursor;
  }

  /** Shows the first page for a search (empty strings: everything; `mine`: only the caller's uploads). */
  async show(query) {
    this.#query = {
      q: query.q ?? '', state: query.state ?? '', mine: Boolean(query.mine), review: query.review ?? '', similar: Boolean(query.similar),
    };
    this.#selected.clear();
    this.#abort?.abort();
    this.#images.clear();
    this.#cards.clear();
    this.#grid.replaceChildren();
    this.#nextCursor = null;
    this.#loading = false;
    this.#loaded = false;
    this.#total = null;
    this.#onChange();
    this.#count();
    await this.#loadPage(null, true);
  }

  /**
   * Asks the server how many images the search takes: the grid holds only the pages loaded so far. After a live
   * change it asks again, at most once a second while changes flow (the answer is cached per catalog version).
   */
  #count() {
    clearTimeout(this.#recount);
    this.#recount = null;
    this.#counting?.abort();
    const abort = new AbortController();
    this.#counting = abort;
    const query = this.#query;
    countImages(query, abort.signal).then(({ count }) => {
      if (query !== this.#query) return;
      this.#total = count;
      this.#describe();
    }, () => {}); // without a count the status says what is loaded, as before
  }

  #countLater() {
    this.#recount ??= setTimeout(() => this.#count(), 1000);
  }

  async loadMore() {
    if (this.#loading || !this.#nextCursor) return;
    await this.#loadPage(this.#nextCursor, false);
  }

  /** When the live stream (re)opens: read the first page again and bring the cards up to date. */
  async resync() {
    const touched = new Set();
    const query = this.#query;
    this.#touched = touched;
    try {
      const page = await listImages(query);
      if (query !== this.#query) return; // another search was shown meanwhile
      // A live event that arrived meanwhile is newer than this read: it wins for its image.
      for (const image of page.items) if (!touched.has(image.id)) this.upsert(image, 'resync');
    } catch {
      // The next live event or reload will catch up; nothing to tell the person yet.
    }
  }

  async #loadPage(cursor, first) {
    const abort = new AbortController();
    this.#abort = abort;
    this.#loading = true;
    this.#grid.setAttribute('aria-busy', 'true');
    this.#more.disabled = true;
    if (first) this.#setStatus('Loading images…');
    try {
      const page = await listImages({ ...this.#query, cursor, limit: PAGE_SIZE }, abort.signal);
      if (abort.signal.aborted) return;
      for (const image of page.items) this.upsert(image, 'list');
      this.#nextCursor = page.nextCursor || null;
      this.#loaded = true;
      this.#describe();
    } catch (error) {
      if (error.name === 'AbortError') return;
      this.#setStatus(`Could not load the gallery: ${error.message}`, true);
    } finally {
      if (this.#abort === abort) {
        this.#loading = false;
        this.#grid.setAttribute('aria-busy', 'false');
        this.#more.disabled = false;
        this.#more.hidden = !this.#nextCursor;
        // Still in view after this page? IntersectionObserver only reports changes, so ask again.
        if (this.#nextCursor && this.#observer) {
          this.#observer.unobserve(this.#more);
          this.#observer.observe(this.#more);
        }
      }
    }
  }

  /**
   * Adds or updates a card. `source` says how fresh the data is: a live `event` or a `resync` is the
   * newest, an `upload` response or a `list` page may be older than what a live event already showed.
   */
  upsert(image, source) {
    if (this.#deleted.has(image.id)) return;
    if (source === 'event') {
      this.#touched.add(image.id);
      this.#countLater();
    }
    const card = this.#cards.get(image.id);
    if (card) {
      if (source === 'upload' || source === 'list') return;
      this.#images.set(image.id, image);
      fillCard(card, image);
      return;
    }
    if (source !== 'list' && this.filtered && !this.#ownNew(image, source)) return; // a search shows what the server found
    const before = this.#positionFor(image);
    // Older than every loaded card while more pages exist: it will come with its own page.
    if (before === null && this.#nextCursor && source !== 'list') return;
    const created = createCard(image, (id, on) => this.#select(id, on));
    fillCard(created, image);
    this.#images.set(image.id, image);
    this.#cards.set(image.id, created);
    this.#grid.insertBefore(created, before);
    if (source !== 'list') this.#describe();
  }

  remove(id) {
    this.#deleted.add(id);
    this.#countLater();
    const card = this.#cards.get(id);
    if (!card) return;
    // Keep keyboard focus in the grid when the focused card disappears.
    const next = card.nextElementSibling ?? card.previousElementSibling;
    const hadFocus = card.contains(document.activeElement);
    card.remove();
    this.#cards.delete(id);
    this.#selected.delete(id);
    this.#images.delete(id);
    if (hadFocus) next?.querySelector('.card-link')?.focus();
    this.#describe();
  }

  /** Under "My uploads" alone (no search, no state), a new image of the person's own belongs in the grid. */
  #ownNew(image, source) {
    const { q, state, mine, review, similar } = this.#query;
    if (!mine || q || state || review || similar) return false;
    if (source === 'upload') return true;
    return Boolean(this.userId) && image.uploadedBy?.id === this.userId;
  }

  /** The first card older than this image, or null when it belongs at the end. */
  #positionFor(image) {
    const last = this.#grid.lastElementChild;
    const lastImage = last && this.#images.get(last.dataset.id);
    if (lastImage && newerFirst(image, lastImage) > 0) return null; // the common case: a page appended
    for (const node of this.#grid.children) {
      const other = this.#images.get(node.dataset.id);
      if (other && newerFirst(image, other) < 0) return node;
    }
    return null;
  }

  #describe() {
    this.#onChange();
    const n = this.#cards.size;
    if (n === 0) {
      const { q, state, mine, review, similar } = this.#query;
      let text;
      if (mine && !q && !state && !review && !similar) text = 'You have not uploaded any images yet.';
      else if (this.filtered) text = mine ? 'None of your uploads match this search.' : 'No images match this search.';
      else text = this.canUpload ? 'No images yet. Drop photos above, or choose some, to start.' : 'No images yet.';
      this.#setStatus(text);
      return;
    }
    // Until the count answers (or if it cannot), what is loaded, with a + while more pages exist.
    const total = this.#total ?? `${n}${this.#nextCursor ? '+' : ''}`;
    const noun = total === 1 || total === '1' ? 'image' : 'images';
    const yours = this.#query.mine ? ' of yours' : '';
    this.#setStatus(this.filtered ? `${total} ${noun}${yours} found` : `${total} ${noun}`);
  }

  #setStatus(text, isError = false) {
    this.#status.textContent = text;
    this.#status.classList.toggle('error', isError);
  }
}
