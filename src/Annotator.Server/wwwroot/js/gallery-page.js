// The gallery page (/): upload, search, the grid, and live updates. What the account may not do is
// not offered: no upload area without the `upload` right, no bulk re-caption without `write`.

import { Gallery } from './gallery.js';
import { UploadQueue, acceptDrops } from './upload.js';
import { connectLive } from './live.js';
import { RecaptionJobPanel } from './recaption-job.js';
import { showAccount } from './account-header.js';
import { can } from './session.js';
import { acceptImages } from './api.js';
import { ExportPanel } from './export-panel.js';

const $ = id => document.getElementById(id);

let recaptions = null;
let exports = null;
const gallery = new Gallery({
  grid: $('grid'),
  status: $('gallery-status'),
  more: $('load-more'),
  onChange: () => {
    recaptions?.refreshScope();
    exports?.refreshScope();
    showSelection();
  },
});
// "Re-caption these results": what the gallery shows is what a new job re-captions.
recaptions = new RecaptionJobPanel(() => ({ ...gallery.query, count: gallery.count, complete: gallery.complete, loaded: gallery.loaded }));
recaptions.resume();
exports = new ExportPanel(() => ({ q: gallery.query.q, review: gallery.query.review }));

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
const similar = $('similar');
const recaptionOpen = $('recaption-open');

const review = $('review');
const REVIEW_STATES = ['unreviewed', 'accepted', 'edited', 'rejected'];

function queryFromAddress() {
  const params = new URLSearchParams(location.search);
  return {
    q: (params.get('q') ?? '').trim(), state: params.get('state') ?? '', mine: params.get('mine') === 'true',
    review: REVIEW_STATES.includes(params.get('review')) ? params.get('review') : '', similar: params.get('similar') === 'true',
  };
}

function addressFor({ q: text, state: wanted, mine: own, review: reviewed, similar: near }) {
  const params = new URLSearchParams();
  if (text) params.set('q', text);
  if (wanted) params.set('state', wanted);
  if (own) params.set('mine', 'true');
  if (near) params.set('similar', 'true');
  if (reviewed) params.set('review', reviewed);
  const search = params.toString();
  return search ? `/?${search}` : '/';
}

// A bulk re-caption takes a search and a state, not an uploader or a review state: under "My uploads" or a
// review filter it would reach further than the grid shows, so it is not offered there.
function fitRecaption(own, reviewed) {
  const narrower = own || Boolean(reviewed);
  recaptionOpen.disabled = narrower;
  recaptionOpen.title = own ? 'Not available under “My uploads”: a bulk re-caption covers everyone’s images'
    : reviewed ? 'Not available with a review filter: a bulk re-caption takes a search and a state only' : '';
  if (narrower && !$('recaption-panel').hidden) recaptions.close();
}

// Bulk acceptance of the ticked cards: only those with a caption and no review yet are accepted.
const selectionBar = $('selection-bar');
function showSelection() {
  const n = gallery.selected.length;
  selectionBar.hidden = n === 0;
  $('selection-count').textContent = `${n} selected`;
}
$('accept-selected').addEventListener('click', async () => {
  const ids = gallery.selected;
  if (!ids.length) return;
  const button = $('accept-selected');
  button.disabled = true;
  const note = $('flash');
  try {
    const result = await acceptImages(ids);
    note.textContent = `Accepted ${result.accepted.length} caption${result.accepted.length === 1 ? '' : 's'}`
      + (result.skipped ? `; ${result.skipped} left as they were (reviewed already, or no caption yet).` : '.');
    gallery.clearSelection();
  } catch (error) {
    note.textContent = `Nothing was accepted: ${error.message}`;
  } finally {
    note.hidden = false;
    button.disabled = false;
  }
});
$('clear-selection').addEventListener('click', () => gallery.clearSelection());

function showQuery(query) {
  q.value = query.q;
  state.value = ['pending', 'processing', 'done', 'failed'].includes(query.state) ? query.state : '';
  mine.checked = query.mine;
  similar.checked = query.similar;
  review.value = query.review;
  fitRecaption(query.mine, query.review);
  const shownQuery = { q: query.q, state: state.value, mine: query.mine, review: query.review, similar: query.similar };
  shown = addressFor(shownQuery);
  return gallery.show(shownQuery);
}

let shown = '';

function search(push) {
  const query = { q: q.value.trim(), state: state.value, mine: mine.checked, review: review.value, similar: similar.checked };
  fitRecaption(query.mine, query.review);
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
review.addEventListener('change', () => {
  typedEntry = false;
  search(true);
});
similar.addEventListener('change', () => {
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
  if (can(user, 'write')) $('grid').dataset.selectable = 'true';
});

firstPage = showQuery(queryFromAddress());
