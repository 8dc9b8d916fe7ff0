// The audit log (/audit, admins): who did what to what, newest first, a page at a time ("More" asks
// for the entries before the last cursor), filtered by actor and target (kept in the address).

import { listAudit } from './api.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';
import { el, formatInstant } from './format.js';

const $ = id => document.getElementById(id);
const PAGE = 50;

const page = $('page');
const status = $('page-status');
const tbody = $('entries');
const more = $('more');
const form = $('filter');
const actor = $('actor');
const target = $('target');

let filter = { actor: '', target: '' };
let cursor = null;
let count = 0;
let reading = null;

function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function filterFromAddress() {
  const params = new URLSearchParams(location.search);
  return { actor: (params.get('actor') ?? '').trim(), target: (params.get('target') ?? '').trim() };
}

function addressFor({ actor: who, target: what }) {
  const params = new URLSearchParams();
  if (who) params.set('actor', who);
  if (what) params.set('target', what);
  const search = params.toString();
  return search ? `/audit?${search}` : '/audit';
}

function row(entry) {
  return el('tr', { dataset: { id: String(entry.id ?? ''), action: entry.action ?? '' } },
    el('td', { className: 'nowrap' }, el('time', { dateTime: entry.at ?? '' }, formatInstant(entry.at, true))),
    el('td', {}, entry.actorName || entry.actorId || el('span', { className: 'muted' }, 'anonymous')),
    el('td', {}, el('code', {}, entry.action ?? '')),
    el('td', {}, entry.target ? el('code', {}, entry.target) : ''),
    el('td', { className: 'detail' }, entry.detail ?? ''),
    el('td', {}, entry.address ? el('code', {}, entry.address) : ''));
}

function describe() {
  const filtered = filter.actor || filter.target;
  if (count === 0) {
    say(filtered ? 'No entries match this filter.' : 'The audit log is empty.');
    return;
  }
  const plus = cursor ? '+' : '';
  say(`${count}${plus} ${count === 1 && !plus ? 'entry' : 'entries'}${filtered ? ' found' : ''}, newest first`);
}

async function loadPage(first) {
  reading?.abort();
  const abort = new AbortController();
  reading = abort;
  page.setAttribute('aria-busy', 'true');
  more.disabled = true;
  if (first) {
    cursor = null;
    count = 0;
    tbody.replaceChildren();
    $('audit-wrap').hidden = true;
    say('Loading the audit log…');
  }
  try {
    const result = await listAudit({ ...filter, before: cursor ?? '', limit: PAGE }, abort.signal);
    if (abort.signal.aborted) return;
    const items = result?.items ?? [];
    tbody.append(...items.map(row));
    count += items.length;
    cursor = result?.nextCursor || null;
    $('audit-wrap').hidden = count === 0;
    describe();
  } catch (error) {
    if (error.name === 'AbortError') return;
    say(error.status === 403 ? 'Only an admin can read the audit log.' : `Could not load the audit log: ${error.message}`, true);
  } finally {
    if (reading === abort) {
      page.setAttribute('aria-busy', 'false');
      more.disabled = false;
      more.hidden = !cursor;
    }
  }
}

function apply(wanted, push) {
  filter = wanted;
  actor.value = wanted.actor;
  target.value = wanted.target;
  const address = addressFor(wanted);
  if (address !== location.pathname + location.search) {
    if (push) history.pushState(null, '', address);
    else history.replaceState(null, '', address);
  }
  return loadPage(true);
}

form.addEventListener('submit', event => {
  event.preventDefault();
  apply({ actor: actor.value.trim(), target: target.value.trim() }, true);
});
more.addEventListener('click', () => loadPage(false));
window.addEventListener('popstate', () => apply(filterFromAddress(), false));

async function start() {
  const user = await showAccount();
  if (!can(user, 'admin')) {
    say('Only an admin can read the audit log.', true);
    form.hidden = true;
    page.setAttribute('aria-busy', 'false');
    return;
  }
  await apply(filterFromAddress(), false);
}

start();
