// "Export a dataset": the gallery's search and review filter as a ZIP in a format ML tools load (POST /api/exports),
// with a progress bar read once a second from GET /api/exports/{id}, and the download link once it is done.
// Without a review filter only what a person kept (accepted or edited) is exported, as the server does by default.

import { startExport, getExport } from './api.js';
import { formatBytes } from './format.js';

const $ = id => document.getElementById(id);
const POLL_MS = 1000;

export class ExportPanel {
  #scope;
  #timer = 0;

  /** `scope()` gives the gallery's current `{ q, review }`. */
  constructor(scope) {
    this.#scope = scope;
    $('export-open').addEventListener('click', () => this.open());
    $('export-close').addEventListener('click', () => this.close());
    $('export-form').addEventListener('submit', event => {
      event.preventDefault();
      this.#start();
    });
  }

  open() {
    $('export-panel').hidden = false;
    $('export-open').setAttribute('aria-expanded', 'true');
    this.refreshScope();
    $('export-heading').focus();
  }

  close() {
    $('export-panel').hidden = true;
    $('export-open').setAttribute('aria-expanded', 'false');
  }

  refreshScope() {
    const { q, review } = this.#scope();
    const what = review ? `${review} images` : 'accepted and edited images';
    $('export-scope').textContent = `Exports the ${what}${q ? ` matching “${q}”` : ''}, with the person’s caption where there is one, else the model’s.`;
  }

  async #start() {
    const error = $('export-error');
    error.hidden = true;
    const percent = id => Number($(id).value || 0);
    const split = { train: percent('export-train') / 100, validation: percent('export-validation') / 100, test: percent('export-test') / 100 };
    const { q, review } = this.#scope();
    const body = { format: $('export-format').value, split, metadata: $('export-metadata').checked };
    if (q) body.q = q;
    if (review) body.review = review;
    if ($('export-edge').value) body.maxEdge = Number($('export-edge').value);
    const button = $('export-start');
    button.disabled = true;
    try {
      this.#follow(await startExport(body));
    } catch (problem) {
      error.textContent = problem.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  #follow(job) {
    clearTimeout(this.#timer);
    $('export-job').hidden = false;
    $('export-title').textContent = `Export ${job.format}: ${job.total} image${job.total === 1 ? '' : 's'}`;
    this.#show(job);
    const poll = async () => {
      try {
        const now = await getExport(job.id);
        if (!now) return;
        this.#show(now);
        if (now.state === 'running') this.#timer = setTimeout(poll, POLL_MS);
      } catch {
        this.#timer = setTimeout(poll, POLL_MS * 3);
      }
    };
    if (job.state === 'running') this.#timer = setTimeout(poll, POLL_MS);
  }

  #show(job) {
    $('export-bar').value = job.progress;
    const download = $('export-download');
    download.hidden = job.state !== 'done';
    const skipped = job.skipped ? `, ${job.skipped} without a caption left out` : '';
    if (job.state === 'done') {
      download.href = job.downloadUrl;
      $('export-status').textContent = `Done: ${job.done} image${job.done === 1 ? '' : 's'}${skipped}, ${formatBytes(job.sizeBytes)}.`;
    } else if (job.state === 'failed') {
      $('export-status').textContent = `Failed: ${job.error}`;
    } else {
      $('export-status').textContent = `${job.done} of ${job.total} written${skipped}…`;
    }
  }
}
