// Uploads: each file is its own request (so one refusal never sinks the others), at most three in
// flight, each with a row that shows its progress and then the result or the server's refusal.

import { uploadFile } from './api.js';
import { el, formatBytes } from './format.js';

const IN_FLIGHT = 3;

export class UploadQueue {
  #list;
  #summary;
  #container;
  #onUploaded;
  #waiting = [];
  #active = 0;
  #rows = [];

  constructor({ container, list, summary, clearButton, onUploaded }) {
    this.#container = container;
    this.#list = list;
    this.#summary = summary;
    this.#onUploaded = onUploaded;
    clearButton.addEventListener('click', () => this.clearFinished());
  }

  /** Queues files (a FileList or an array) and starts as many as the limit allows. */
  add(files) {
    const added = [...files].filter(file => file instanceof File);
    if (added.length === 0) return;
    this.#container.hidden = false;
    for (const file of added) {
      const row = this.#createRow(file);
      this.#rows.push(row);
      this.#list.append(row.element);
      this.#waiting.push(row);
    }
    this.#pump();
    this.#describe();
  }

  clearFinished() {
    this.#rows = this.#rows.filter(row => {
      if (row.status !== 'done' && row.status !== 'error') return true;
      row.element.remove();
      return false;
    });
    if (this.#rows.length === 0) this.#container.hidden = true;
    this.#describe();
  }

  #pump() {
    while (this.#active < IN_FLIGHT && this.#waiting.length > 0) {
      const row = this.#waiting.shift();
      this.#active += 1;
      this.#run(row).finally(() => {
        this.#active -= 1;
        this.#pump();
        this.#describe();
      });
    }
  }

  async #run(row) {
    this.#setRow(row, 'uploading', 'Uploading…', 0);
    const result = await uploadFile(row.file, {
      onProgress: fraction => this.#setRow(row, 'uploading', `Uploading ${Math.round(fraction * 100)}%`, fraction),
      onSent: () => this.#setRow(row, 'checking', 'Checking…', 1),
    });
    if (result.ok) {
      row.element.dataset.imageId = result.image.id;
      const link = el('a', { href: `/images/${encodeURIComponent(result.image.id)}` }, 'open');
      this.#setRow(row, 'done', [result.duplicate ? 'Already uploaded · ' : 'Uploaded · ', link], 1);
      this.#onUploaded(result.image);
    } else {
      this.#setRow(row, 'error', result.message, null);
    }
  }

  #createRow(file) {
    const progress = el('progress', { max: 1, value: 0, attrs: { 'aria-label': `Upload of ${file.name}` } });
    const message = el('p', { className: 'upload-message' }, 'Waiting…');
    const element = el('li', { className: 'upload-row', dataset: { status: 'queued' } },
      el('div', { className: 'upload-head' },
        el('span', { className: 'upload-name', title: file.name }, file.name),
        el('span', { className: 'upload-size' }, formatBytes(file.size))),
      progress,
      message);
    return { file, element, progress, message, status: 'queued' };
  }

  #setRow(row, status, message, fraction) {
    row.status = status;
    row.element.dataset.status = status;
    row.message.replaceChildren(...[message].flat());
    if (fraction === null) {
      row.progress.hidden = true;
    } else {
      row.progress.hidden = false;
      row.progress.value = fraction;
    }
  }

  #describe() {
    const count = status => this.#rows.filter(row => row.status === status).length;
    const done = count('done');
    const failed = count('error');
    const busy = this.#rows.length - done - failed;
    const parts = [];
    if (busy) parts.push(`${busy} uploading`);
    if (done) parts.push(`${done} uploaded`);
    if (failed) parts.push(`${failed} refused`);
    this.#summary.textContent = parts.join(', ');
  }
}

/**
 * Files dragged anywhere over the page can be dropped: the drop zone lights up while they hover.
 * Dragging text or links around the page is left alone.
 */
export function acceptDrops(zone, onFiles) {
  let depth = 0;
  const carriesFiles = event => [...(event.dataTransfer?.types ?? [])].includes('Files');
  const setActive = active => document.body.classList.toggle('dragging', active);

  document.addEventListener('dragenter', event => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth += 1;
    setActive(true);
  });
  document.addEventListener('dragover', event => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', event => {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) setActive(false);
  });
  document.addEventListener('drop', event => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth = 0;
    setActive(false);
    const files = [...(event.dataTransfer.files ?? [])];
    if (files.length > 0) onFiles(files);
  });
  zone.dataset.droppable = 'true';
}
