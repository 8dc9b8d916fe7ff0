// The gallery page (/): upload, search, the grid, and live updates. What the account may not do is
// not offered: no upload area without the `upload` right, no bulk re-caption without `write`.

import { Gallery } from './gallery.js';
import { UploadQueue, acceptDrops } from './upload.js';
import { connectLive } from './live.js';
import { RecaptionJobPanel } from './recaption-job.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';

const $ = id => document.getElementById(id);

let recaptions = null;
const gallery = new Gallery({
  grid: $('grid'),
  status: $('gallery-status'),
  more: $('load-more'),
  onChange: () => recaptions?.refreshScope(),
});
// "Re-caption these results": what the gallery shows is what a new job re-captions.
recaptions = new RecaptionJobPanel(() => ({ ...gallery.query, count: gallery.count, complete: gallery.complete, loaded: gallery.loaded }));
recaptions.resume();

const uploads = new UploadQueue({
  container: $('uploads'),
  list: $('upload-list'),
  summary: $('upload-summary'),
  clearButton: $('clear-uploads'),
  onUploaded: image => gallery.upsert(image, 'upload'),
});

const input = $('file-input');
input.addEventListener('change', () => {
  uploads.add(input.files);
  input.value = ''; // the same file can be chosen again
});
acceptDrops($('drop-zone'), files => uploads.add(files));

// Search: the query lives in the address (?q=…&state=…&mine=true), so a search can be linked and reloaded.
const form = $('search');
const q = $('q');
const state = $('state');
const mine = $('mine');
const recaptionOpen = $('recaption-open');

function queryFromAddress() {
  const params = new URLSearchParams(location.search);
  return { q: (params.get('q') ?? '').trim(), state: params.get('state') ?? '', mine: params.get('mine') === 'true' };
}

function addressFor({ q: text, state: wanted, mine: own }) {
  const params = new URLSearchParams();
  if (text) params.set('q', text);
  if (wanted) params.set('state', wanted);
  if (own) params.set('mine', 'true');
  const search = params.toString();
  return search ? `/?${search}` : '/';
}

// A bulk re-caption takes a search and a state, not an uploader: under "My uploads" it would reach
// further than the grid shows, so it is not offered there.
function fitRecaption(own) {
  recaptionOpen.disabled = own;
  recaptionOpen.title = own ? 'Not available under “My uploads”: a bulk re-caption covers everyone’s images' : '';
  if (own && !$('recaption-panel').hidden) recaptions.close();
}

function showQuery(query) {
  q.value = query.q;
  state.value = ['pending', 'processing', 'done', 'failed'].includes(query.state) ? query.state : '';
  mine.checked = query.mine;
  fitRecaption(query.mine);
  shown = addressFor({ q: query.q, state: state.value, mine: query.mine });
  return gallery.show({ q: query.q, state: state.value, mine: query.mine });
}

let shown = '';

function search(push) {
  const query = { q: q.value.trim(), state: state.value, mine: mine.checked };
  fitRecaption(query.mine);
  const address = addressFor(query);
  if (address === shown) return Promise.resolve();
  if (address !== location.pathname + location.search) {
    if (push) history.pushState(null, '', address);
    else history.replaceState(null, '', address);
  }
  shown = address;
  return gallery.show(query);
}

// Typing searches as you go: the first pause adds a history entry, later ones update it, so Back
// returns to what was shown before the search rather than stepping through every keystroke.
let typing = 0;
let typedEntry = false;
form.addEventListener('submit', event => {
  event.preventDefault();
  clearTimeout(typing);
  search(!typedEntry);
  typedEntry = false;
});
q.addEventListener('input', () => {
  clearTimeout(typing);
  typing = setTimeout(() => {
    search(!typedEntry);
    typedEntry = true;
  }, 350);
});
state.addEventListener('change', () => {
  typedEntry = false;
  search(true);
});
mine.addEventListener('change', () => {
  typedEntry = false;
  search(true);
});
window.addEventListener('popstate', () => {
  clearTimeout(typing);
  typedEntry = false;
  showQuery(queryFromAddress());
});

// The first page is read first; each time the live stream opens, it is read again after it.
let firstPage = Promise.resolve();
connectLive({
  onImage: image => gallery.upsert(image, 'event'),
  onDeleted: id => gallery.remove(id),
  onResync: () => firstPage.then(() => gallery.resync()),
}, $('live-status'));

// A message left by the image page (e.g. after a delete).
const flash = sessionStorage.getItem('annotator:flash');
if (flash) {
  sessionStorage.removeItem('annotator:flash');
  const note = $('flash');
  note.textContent = flash;
  note.hidden = false;
}

// The account decides what is offered; the grid does not wait for it.
showAccount().then(user => {
  gallery.userId = user?.id ?? null;
  gallery.canUpload = can(user, 'upload');
});

firstPage = showQuery(queryFromAddress());
