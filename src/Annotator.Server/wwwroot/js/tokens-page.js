// The tokens page (/tokens): your personal access tokens (name, scopes, created, expires, last used,
// Revoke), a form to create one, and the new token shown once with a Copy button. It is kept only in
// this page's form field, never in storage, and gone when the page is left or "Done" is pressed.
// Admins can switch to everyone's tokens (?all=true, kept in the address), with an Owner column.

import { listTokens, createToken, revokeToken } from './api.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';
import { el, formatInstant } from './format.js';

const $ = id => document.getElementById(id);

const page = $('page');
const status = $('page-status');
const tbody = $('tokens');
const allToggle = $('all-tokens');
const revokeDialog = $('revoke-dialog');

let self = null;
let showingAll = false;
let reading = null;

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function expired(token) {
  const at = Date.parse(token.expiresAt);
  return Number.isFinite(at) && at <= Date.now();
}

function row(token) {
  const revoke = el('button', {
    type: 'button',
    className: 'button small danger',
    attrs: { 'aria-label': `Revoke ${token.name}` },
  }, 'Revoke…');
  revoke.addEventListener('click', () => askRevoke(token));
  const isExpired = expired(token);
  return el('tr', { dataset: { id: token.id, expired: String(isExpired) } },
    el('th', { scope: 'row' }, token.name),
    showingAll ? el('td', {}, token.userName ?? token.userId ?? '') : null,
    el('td', {}, el('ul', { className: 'scope-list', attrs: { 'aria-label': 'Scopes' } },
      (token.scopes ?? []).map(scope => el('li', { className: 'scope' }, scope)))),
    el('td', {}, formatInstant(token.createdAt)),
    el('td', {}, formatInstant(token.expiresAt), isExpired ? el('span', { className: 'status-label', dataset: { status: 'disabled' } }, ' expired') : null),
    el('td', {}, token.lastUsedAt ? formatInstant(token.lastUsedAt) : el('span', { className: 'muted' }, 'never')),
    el('td', {}, revoke));
}

async function load() {
  reading?.abort();
  const abort = new AbortController();
  reading = abort;
  page.setAttribute('aria-busy', 'true');
  say('Loading tokens…');
  try {
    const tokens = await listTokens({ all: showingAll }, abort.signal);
    if (abort.signal.aborted) return;
    for (const column of document.querySelectorAll('.owner-column')) column.hidden = !showingAll;
    $('list-heading').textContent = showingAll ? 'Everyone’s tokens' : 'Your tokens';
    const list = [...(tokens ?? [])];
    tbody.replaceChildren(...list.map(row));
    $('tokens-wrap').hidden = list.length === 0;
    const n = list.length;
    say(n === 0
      ? (showingAll ? 'Nobody has a token.' : 'You have no tokens yet.')
      : `${n} ${n === 1 ? 'token' : 'tokens'}`);
  } catch (error) {
    if (error.name === 'AbortError') return;
    say(`Could not load the tokens: ${error.message}`, true);
  } finally {
    if (reading === abort) page.setAttribute('aria-busy', 'false');
  }
}

allToggle.addEventListener('change', () => {
  showingAll = allToggle.checked;
  const params = new URLSearchParams(location.search);
  if (showingAll) params.set('all', 'true');
  else params.delete('all');
  const search = params.toString();
  history.replaceState(null, '', search ? `/tokens?${search}` : '/tokens');
  load();
});

// Revoking
let revoking = null;
function askRevoke(token) {
  revoking = token;
  $('revoke-title').textContent = `Revoke “${token.name}”?`;
  $('revoke-text').textContent = 'Whatever uses this token is refused from now on. This cannot be undone.';
  revokeDialog.showModal();
}
revokeDialog.addEventListener('close', async () => {
  const token = revoking;
  revoking = null;
  if (revokeDialog.returnValue !== 'revoke' || !token) return;
  revokeDialog.returnValue = '';
  try {
    await revokeToken(token.id);
    say(`Revoked “${token.name}”.`);
  } catch (error) {
    if (error.status !== 404) {
      say(`Revoke failed: ${error.message}`, true);
      return;
    }
    say(`“${token.name}” was already gone.`);
  }
  tbody.querySelector(`tr[data-id="${CSS.escape(token.id)}"]`)?.remove();
  if (!tbody.children.length) $('tokens-wrap').hidden = true;
});

// Creating, and the new token shown once
const form = $('create-form');
const createError = $('create-error');
const newToken = $('new-token');
const tokenValue = $('new-token-value');
const copyStatus = $('copy-status');

function showCreateError(text, focus) {
  createError.textContent = text;
  createError.hidden = !text;
  focus?.focus();
}

function hideToken() {
  tokenValue.value = '';
  copyStatus.textContent = '';
  newToken.hidden = true;
}

form.addEventListener('submit', async event => {
  event.preventDefault();
  const name = $('token-name').value.trim();
  const days = Number($('token-days').value);
  const scopes = [...form.querySelectorAll('input[name=scope]:checked')]
    .filter(box => !box.closest('label').hidden)
    .map(box => box.value);
  if (!name) return showCreateError('Give the token a name, so you know later what uses it.', $('token-name'));
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    return showCreateError('The token must expire after 1 to 365 days (a whole number).', $('token-days'));
  }
  if (scopes.length === 0) return showCreateError('Choose at least one scope.', form.querySelector('input[name=scope]'));
  showCreateError('');
  const button = $('create-button');
  button.disabled = true;
  try {
    const created = await createToken({ name, scopes, expiresInDays: days });
    tokenValue.value = created.token ?? '';
    copyStatus.textContent = '';
    newToken.hidden = false;
    $('new-token-heading').textContent = `Your new token “${created.name ?? name}”`;
    $('new-token-heading').focus();
    tokenValue.select();
    form.reset();
    load();
  } catch (error) {
    showCreateError(error.message);
  } finally {
    button.disabled = false;
  }
});

$('copy-token').addEventListener('click', async () => {
  const text = tokenValue.value;
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
    copyStatus.textContent = 'Copied.';
  } catch {
    // No clipboard access (an older browser, or not allowed): leave it selected for Ctrl+C.
    tokenValue.focus();
    tokenValue.select();
    copyStatus.textContent = 'Could not copy by itself: it is selected, press Ctrl+C (⌘C) to copy it.';
  }
});
$('hide-token').addEventListener('click', () => {
  hideToken();
  $('token-name').focus();
});
// The token must not come back from the back-forward cache or be restored into the field.
window.addEventListener('pagehide', hideToken);

async function start() {
  self = await showAccount();
  showingAll = can(self, 'admin') && new URLSearchParams(location.search).get('all') === 'true';
  allToggle.checked = showingAll;
  await load();
}

start();
