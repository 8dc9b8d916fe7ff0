// "Re-caption these results" on the gallery: a panel to choose the provider and model and confirm
// (POST /api/recaptions with the gallery's search and state), then the job's progress, read about
// once a second (GET /api/recaptions/{id}) until it has finished, and a summary.

import { startRecaptionJob, getRecaptionJob } from './api.js';
import { stateLabel, el } from './format.js';
import { CaptionerChoice, providerAndModel, providerName } from './captioners.js';

const POLL_MS = 1000;
const STORAGE_KEY = 'annotator:recaption-job'; // a reload keeps following a job that still runs

const $ = id => document.getElementById(id);

function images(n) {
  return `${n} ${n === 1 ? 'image' : 'images'}`;
}

/** "matching “harbour” in state Done", or "" for no search. */
function searchText(q, state) {
  const parts = [];
  if (q) parts.push(`matching “${q}”`);
  if (state) parts.push(`in state ${stateLabel(state)}`);
  return parts.join(' ');
}

function captionerText(provider, model) {
  if (provider) return providerAndModel(provider, model);
  if (model) return `the default provider with model ${model}`;
  return 'the default captioner';
}

function failedAddress(job) {
  const params = new URLSearchParams();
  if (job.q) params.set('q', job.q);
  params.set('state', 'failed');
  return `/?${params}`;
}

export class RecaptionJobPanel {
  #scope;
  #choice;
  #loaded = null;
  #job = null;
  #timer = 0;
  #readFailures = 0;
  #starting = false;
  #ui = {
    open: $('recaption-open'),
    panel: $('recaption-panel'),
    heading: $('recaption-panel-heading'),
    close: $('recaption-close'),
    form: $('recaption-job-form'),
    scope: $('recaption-scope'),
    everythingLabel: $('job-everything-label'),
    everything: $('job-everything'),
    error: $('job-error'),
    cancel: $('job-cancel'),
    start: $('job-start'),
    job: $('job'),
    title: $('job-title'),
    bar: $('job-bar'),
    status: $('job-status'),
    again: $('job-again'),
  };

  /** @param {() => { q: string, state: string, count: number, complete: boolean, loaded: boolean }} scope what the gallery shows */
  constructor(scope) {
    this.#scope = scope;
    this.#choice = new CaptionerChoice({ select: $('job-provider'), model: $('job-model'), hint: $('job-hint'), notes: $('job-unavailable') });
    const ui = this.#ui;
    ui.open.addEventListener('click', () => (ui.panel.hidden ? this.open() : this.close()));
    ui.close.addEventListener('click', () => this.close());
    ui.cancel.addEventListener('click', () => this.close());
    ui.everything.addEventListener('change', () => this.refreshScope());
    ui.form.addEventListener('submit', event => {
      event.preventDefault();
      this.#start();
    });
    ui.again.addEventListener('click', () => {
      this.#job = null;
      this.#showForm();
      $('job-provider').focus();
    });
    ui.panel.addEventListener('keydown', event => {
      if (event.key === 'Escape' && !event.defaultPrevented) this.close();
    });
  }

  open() {
    const ui = this.#ui;
    ui.panel.hidden = false;
    ui.open.setAttribute('aria-expanded', 'true');
    this.#loaded ??= this.#choice.load();
    if (this.#job) {
      this.#showJob();
      ui.heading.focus();
    } else {
      this.#showForm();
      $('job-provider').focus();
    }
  }

  close() {
    this.#ui.panel.hidden = true;
    this.#ui.open.setAttribute('aria-expanded', 'false');
    this.#ui.open.focus();
  }

  /** Says what a new job would touch: the gallery's search and, when it can tell, how many images. */
  refreshScope() {
    const ui = this.#ui;
    if (ui.panel.hidden || ui.form.hidden || this.#starting) return;
    const { q, state, count, complete, loaded } = this.#scope();
    const filtered = Boolean(q || state);
    const known = loaded && complete;
    let text;
    let start;
    if (filtered) {
      const which = searchText(q, state);
      if (known && count === 0) {
        text = `No image is ${which}: there is nothing to re-caption.`;
        start = 'Re-caption';
      } else if (known) {
        text = `This writes a new caption for the ${images(count)} ${which}.`;
        start = `Re-caption ${images(count)}`;
      } else {
        text = `This writes a new caption for every image ${which}${loaded ? ` (${count} shown so far, more not loaded yet)` : ''}.`;
        start = 'Re-caption these images';
      }
    } else {
      text = known
        ? `No search or state is chosen: this re-captions every image, all ${images(count)}.`
        : `No search or state is chosen: this re-captions every image${loaded ? ` (more than the ${count} shown)` : ''}.`;
      start = 'Re-caption every image';
    }
    ui.scope.textContent = text;
    ui.scope.classList.toggle('warning', !filtered);
    ui.everythingLabel.hidden = filtered;
    if (filtered) ui.everything.checked = false;
    ui.start.textContent = start;
    ui.start.disabled = (known && count === 0 && filtered) || (!filtered && !ui.everything.checked);
  }

  /** After a reload: follow a job this tab started that has not finished yet. */
  async resume() {
    const id = sessionStorage.getItem(STORAGE_KEY);
    if (!id) return;
    try {
      const job = await getRecaptionJob(id);
      if (!job || job.finished) {
        sessionStorage.removeItem(STORAGE_KEY);
        return;
      }
      this.#follow(job);
      this.open();
    } catch {
      // The server could not be read now; the job goes on without this page.
    }
  }

  #showForm() {
    const ui = this.#ui;
    ui.form.hidden = false;
    ui.job.hidden = true;
    ui.error.hidden = true;
    ui.heading.textContent = 'Re-caption these results';
    this.#choice.disabled = false;
    this.refreshScope();
  }

  #showJob() {
    const ui = this.#ui;
    ui.form.hidden = true;
    ui.job.hidden = false;
    ui.heading.textContent = this.#job?.finished ? 'Re-caption finished' : 'Re-captioning';
  }

  async #start() {
    const ui = this.#ui;
    const { q, state } = this.#scope();
    if (!q && !state && !ui.everything.checked) return;
    ui.error.hidden = true;
    ui.start.disabled = true;
    this.#choice.disabled = true;
    const chosen = this.#choice.value;
    this.#starting = true;
    try {
      const job = await startRecaptionJob({ q, state, ...chosen });
      this.#starting = false;
      this.#follow(job);
      ui.heading.focus();
    } catch (error) {
      this.#starting = false;
      ui.error.textContent = `The re-caption was not started: ${error.message}`;
      ui.error.hidden = false;
      this.#choice.disabled = false;
      this.refreshScope();
    }
  }

  #follow(job) {
    clearTimeout(this.#timer);
    this.#job = job;
    this.#readFailures = 0;
    if (job.finished) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, job.id);
    this.#showJob();
    this.#render(job);
    if (!job.finished) this.#timer = setTimeout(() => this.#poll(job.id), POLL_MS);
  }

  async #poll(id) {
    if (this.#job?.id !== id) return;
    let job;
    try {
      job = await getRecaptionJob(id);
    } catch (error) {
      // A missed read is no reason to stop following: try again, a little later each time.
      this.#readFailures += 1;
      this.#ui.status.textContent = `The progress could not be read (${error.message}); trying again…`;
      this.#timer = setTimeout(() => this.#poll(id), Math.min(10_000, POLL_MS * (1 + this.#readFailures)));
      return;
    }
    if (this.#job?.id !== id) return; // "Re-caption again" was chosen meanwhile
    if (!job) {
      sessionStorage.removeItem(STORAGE_KEY);
      this.#ui.status.textContent = 'The server no longer knows this re-caption job; the captions of the gallery still show what happened.';
      return;
    }
    this.#follow(job);
  }

  #render(job) {
    const ui = this.#ui;
    const which = searchText(job.q, job.state);
    const by = captionerText(job.provider, job.model || (job.provider ? this.#choice.defaultModel(job.provider) : null));
    const total = job.total;
    const processed = job.done + job.failed + job.deleted;
    ui.heading.textContent = job.finished ? 'Re-caption finished' : 'Re-captioning';
    ui.title.textContent = `${job.finished ? 'Re-captioned' : 'Re-captioning'} ${which ? `the ${images(total)} ${which}` : `every image (${images(total)})`} with ${by}.`;
    ui.bar.hidden = total === 0;
    ui.bar.max = Math.max(total, 1);
    ui.bar.value = processed;
    ui.bar.dataset.finished = String(job.finished);
    ui.job.dataset.finished = String(job.finished);
    ui.job.dataset.failed = String(job.failed);
    ui.again.hidden = !job.finished;

    const counts = [`${job.done} new`, `${job.failed} failed`];
    if (job.deleted) counts.push(`${job.deleted} deleted meanwhile`);
    if (!job.finished) {
      ui.status.replaceChildren(`${processed} of ${total} processed: ${counts.join(', ')}.`);
      return;
    }
    if (total === 0) {
      ui.status.replaceChildren('Nothing to re-caption: no image matched.');
      return;
    }
    const parts = [`Finished: ${job.done} of ${images(total)} ${job.done === 1 ? 'has' : 'have'} a new caption`];
    if (job.done > 0 && job.provider) parts[0] += ` by ${providerName(job.provider)}`;
    parts[0] += '.';
    if (job.deleted) parts.push(` ${images(job.deleted)} ${job.deleted === 1 ? 'was' : 'were'} deleted meanwhile.`);
    if (job.failed) {
      parts.push(` ${job.failed} failed and ${job.failed === 1 ? 'keeps its' : 'keep their'} previous caption: `,
        el('a', { href: failedAddress(job) }, 'show the failed images'), '.');
    }
    ui.status.replaceChildren(...parts);
  }
}
