// The gallery page (/): upload, search, the grid, and live updates.

import { Gallery } from './gallery.js';
import { UploadQueue, acceptDrops } from './upload.js';
import { connectLive } from './live.js';
import { RecaptionJobPanel } from './recaption-job.js';

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

// Search: the query lives in the address (?q=…&state=…), so a search can be linked and reloaded.
const form = $('search');
const q = $('q');
const state = $('state');

function queryFromAddress() {
  const params = new URLSearchParams(location.search);
  return { q: (params.get('q') ?? '').trim(), state: params.get('state') ?? '' };
}

function addressFor({ q: text, state: wanted }) {
  const params = new URLSearchParams();
  if (text) params.set('q', text);
  if (wanted) params.set('state', wanted);
  const search = params.toString();
  return search ? `/?${search}` : '/';
}

function showQuery(query) {
  q.value = query.q;
  state.value = ['pending', 'processing', 'done', 'failed'].includes(query.state) ? query.state : '';
  shown = addressFor({ q: query.q, state: state.value });
  return gallery.show({ q: query.q, state: state.value });
}

let shown = '';

function search(push) {
  const query = { q: q.value.trim(), state: state.value };
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

firstPage = showQuery(queryFromAddress());
