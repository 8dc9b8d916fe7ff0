// The review queue: the images a filter takes, newest first, read a page at a time ahead of the reviewer, with
// a position that moves forward (accept, edit, reject, skip) and back, and the count of what is left after it.

import { listImages, countImages } from './api.js';

const PAGE = 50;
const READ_AHEAD = 5; // the next page is asked for while this many are still ahead

export class ReviewQueue {
  #filters;
  #items = [];
  #cursor = null;
  #loading = null;
  #total = 0;
  #position = 0;

  /** `filters`: `{ review, provider, model, q }` as `listImages` takes them. */
  constructor(filters) {
    this.#filters = filters;
  }

  get filters() {
    return this.#filters;
  }

  /** Reads the count and the first page. */
  async start() {
    const [count, page] = await Promise.all([countImages(this.#filters), listImages({ ...this.#filters, limit: PAGE })]);
    this.#total = count.count;
    this.#items = page.items;
    this.#cursor = page.nextCursor;
  }

  get current() {
    return this.#items[this.#position] ?? null;
  }

  /** The images after the current one that are already read (for preloading). */
  ahead(count) {
    return this.#items.slice(this.#position + 1, this.#position + 1 + count);
  }

  /** What is left: the current image and every one after it that the filter takes. */
  get left() {
    return Math.max(0, this.#total - this.#position);
  }

  get atStart() {
    return this.#position === 0;
  }

  /** Moves to the next image (reading further pages as the reviewer nears them); false at the end. */
  async forward() {
    if (this.#position < this.#items.length) this.#position += 1;
    if (this.#items.length - this.#position <= READ_AHEAD) {
      const more = this.#readMore();
      if (this.#position >= this.#items.length) await more;
    }
    return this.current !== null;
  }

  back() {
    if (this.#position > 0) this.#position -= 1;
    return this.current;
  }

  /** The image as the server has it now (after a review, or a live change): kept in place. */
  update(image) {
    const index = this.#items.findIndex(item => item.id === image.id);
    if (index >= 0) this.#items[index] = image;
    return index >= 0;
  }

  /** An image deleted meanwhile: gone from the queue (and from what is left, unless already passed). */
  remove(id) {
    const index = this.#items.findIndex(item => item.id === id);
    if (index < 0) return;
    this.#items.splice(index, 1);
    if (index < this.#position) this.#position -= 1;
    this.#total = Math.max(0, this.#total - 1);
  }

  #readMore() {
    if (!this.#cursor) return Promise.resolve();
    this.#loading ??= listImages({ ...this.#filters, cursor: this.#cursor, limit: PAGE })
      .then(page => {
        const known = new Set(this.#items.map(item => item.id));
        this.#items.push(...page.items.filter(item => !known.has(item.id)));
        this.#cursor = page.nextCursor;
      })
      .finally(() => { this.#loading = null; });
    return this.#loading;
  }
}
