// The caption providers a person can choose from (GET /api/captioners), as a provider select, an
// optional model field and a note on the providers this server cannot use, and why.

import { getCaptioners } from './api.js';
import { el } from './format.js';

const NAMES = { offline: 'Offline describer', gemini: 'Gemini', openai: 'OpenAI-compatible', ollama: 'Ollama' };

/** A provider's name for people: `gemini` → Gemini. */
export function providerName(provider) {
  return NAMES[provider] ?? String(provider ?? 'unknown');
}

/** "Gemini (gemini-2.5-flash)", or just the provider when no model is known. */
export function providerAndModel(provider, model) {
  return model ? `${providerName(provider)} (${model})` : providerName(provider);
}

let cached = null;

/** The captioners, read once per page (a failed read is tried again next time). */
export function loadCaptioners() {
  cached ??= getCaptioners().catch(error => {
    cached = null;
    throw error;
  });
  return cached;
}

/**
 * Fills and follows a provider `<select>` and a model `<input>`. The first option (value "") is the
 * server's default captioner with its fallbacks, which is what a request without a body asks for;
 * the other providers follow, those this server cannot use disabled, with their reason in `notes`.
 */
export class CaptionerChoice {
  #select;
  #model;
  #hint;
  #notes;
  #info = null;
  #disabled = false;

  /** @param {{ select: HTMLSelectElement, model: HTMLInputElement, hint?: HTMLElement, notes?: HTMLElement }} elements */
  constructor({ select, model, hint = null, notes = null }) {
    this.#select = select;
    this.#model = model;
    this.#hint = hint;
    this.#notes = notes;
    select.addEventListener('change', () => this.#describe());
    model.addEventListener('input', () => this.#describe());
  }

  /** Reads the providers and fills the controls; never rejects (the default captioner stays usable). */
  async load() {
    try {
      this.#info = await loadCaptioners();
    } catch (error) {
      this.#info = null;
      if (this.#hint) this.#hint.textContent = `The list of providers could not be read (${error.message}); the default captioner will be used.`;
      return;
    }
    this.#fill();
  }

  /** `{ provider, model }` as chosen; empty strings mean "the default". */
  get value() {
    return { provider: this.#select.value, model: this.#model.value.trim() };
  }

  /** What the choice will do, for messages: "Gemini (gemini-pro)" or "the default captioner (…)". */
  describe() {
    const { provider, model } = this.value;
    if (provider) return providerAndModel(provider, model || this.#provider(provider)?.model);
    const name = this.#info ? providerAndModel(this.#info.defaultProvider, model || this.#provider(this.#info.defaultProvider)?.model) : '';
    return name ? `the default captioner, ${name}` : 'the default captioner';
  }

  /** The model a provider uses when none is named (null when unknown or not read yet). */
  defaultModel(provider) {
    return this.#provider(provider)?.model ?? null;
  }

  set disabled(value) {
    this.#disabled = value;
    this.#select.disabled = value;
    this.#model.disabled = value;
  }

  get disabled() {
    return this.#disabled;
  }

  #provider(name) {
    return this.#info?.providers?.find(p => p.provider === name) ?? null;
  }

  #fill() {
    const info = this.#info;
    const chosen = this.#select.value;
    const fallback = (info.fallback ?? []).map(providerName);
    const options = [el('option', { value: '' },
      `${providerName(info.defaultProvider)} (default${fallback.length ? `, then ${fallback.join(', then ')}` : ''})`)];
    const unavailable = [];
    for (const p of info.providers ?? []) {
      if (p.provider === info.defaultProvider) continue; // the first option already is this provider
      let text = providerName(p.provider);
      if (!p.available) text += ' — not available';
      else if (p.circuit === 'open') text += ' — paused after failures';
      options.push(el('option', { value: p.provider, disabled: !p.available, title: p.reason ?? undefined }, text));
      if (!p.available) unavailable.push(p);
    }
    this.#select.replaceChildren(...options);
    this.#select.value = options.some(o => o.value === chosen && !o.disabled) ? chosen : '';
    this.#fillNotes(unavailable);
    this.#describe();
  }

  #fillNotes(unavailable) {
    if (!this.#notes) return;
    this.#notes.hidden = unavailable.length === 0;
    if (unavailable.length === 0) return;
    const names = unavailable.map(p => providerName(p.provider)).join(', ');
    this.#notes.replaceChildren(
      el('summary', {}, `Not available on this server: ${names}`),
      el('ul', {}, unavailable.map(p => el('li', { dataset: { provider: p.provider } },
        el('strong', {}, providerName(p.provider)), ': ', p.reason || 'not configured'))));
  }

  /** The model field's placeholder and the hint follow the chosen provider. */
  #describe() {
    if (!this.#info) return;
    const name = this.#select.value || this.#info.defaultProvider;
    const provider = this.#provider(name);
    const model = provider?.model ?? '';
    this.#model.placeholder = model || 'the provider’s model';
    if (!this.#hint) return;
    const parts = [model ? `Leave the model empty for ${model}.` : 'Name the model the endpoint serves.'];
    if (provider?.circuit === 'open') parts.push(`${providerName(name)} is paused after repeated failures: new captions wait until it answers again.`);
    else if (provider?.circuit === 'half-open') parts.push(`${providerName(name)} is being tried again after failures.`);
    if (!this.#select.value && !this.#model.value.trim() && this.#info.fallback?.length) {
      parts.push(`If it fails, ${this.#info.fallback.map(providerName).join(', then ')} writes the caption instead.`);
    }
    this.#hint.textContent = parts.join(' ');
  }
}
