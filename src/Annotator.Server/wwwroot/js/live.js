// Live image changes from GET /api/events (server-sent events): `image` carries the whole image,
// `deleted` carries `{ id }`, `ping` keeps the stream open, `reset` says too much was missed. Event ids are
// change-feed versions: EventSource reconnects by itself after a dropped connection and sends the last id,
// and the server replays what was missed (from any node). When the server refuses the stream outright it is
// reopened here, later, asking for the changes after the last id seen.

import { getMe } from './api.js';

const RETRY_AFTER_MS = 5000;

/**
 * @param {{ onImage?: (image) => void, onDeleted?: (id: string) => void, onResync?: () => void }} handlers
 *   `onResync` runs when the page must read everything again: at the first open (the page's first read may
 *   predate it) and when the server says too much was missed to replay.
 * @param {HTMLElement | null} statusElement shows Live / Reconnecting.
 */
export function connectLive({ onImage = () => {}, onDeleted = () => {}, onResync = () => {} }, statusElement) {
  let source = null;
  let broken = false;
  let retryTimer = 0;
  let lastId = null;
  const remember = event => {
    if (event.lastEventId) lastId = event.lastEventId;
  };

  const show = (state, text) => {
    if (!statusElement) return;
    statusElement.dataset.live = state;
    statusElement.textContent = text;
  };

  const parse = event => {
    try {
      return JSON.parse(event.data);
    } catch {
      return null;
    }
  };

  const open = () => {
    source = new EventSource(lastId !== null ? `/api/events?after=${encodeURIComponent(lastId)}` : '/api/events');
    // With an id seen, the server replays what was missed (EventSource's own reconnects send it too).
    source.addEventListener('open', () => {
      show('open', 'Live');
      broken = false;
      if (lastId === null) onResync();
    });
    source.addEventListener('ping', remember);
    source.addEventListener('image', event => {
      remember(event);
      const image = parse(event);
      if (image && image.id) onImage(image);
    });
    source.addEventListener('deleted', event => {
      remember(event);
      const data = parse(event);
      if (data && data.id) onDeleted(data.id);
    });
    source.addEventListener('reset', event => {
      remember(event);
      onResync();
    });
    source.addEventListener('error', () => {
      broken = true;
      if (source.readyState === EventSource.CLOSED) {
        show('closed', 'Offline, retrying…');
        // EventSource does not say why it was refused: when it is because the session ended, asking who is
        // signed in meets the 401 that takes the browser to the sign-in page.
        getMe().catch(() => {});
        clearTimeout(retryTimer);
        // Spread out, so that pages refused together (a 503 when the server has all the streams it takes) do not return together.
        retryTimer = setTimeout(open, RETRY_AFTER_MS * (1 + Math.random()));
      } else {
        show('reconnecting', 'Reconnecting…');
      }
    });
  };

  show('connecting', 'Connecting…');
  open();
  // Let the browser reuse the connection slot when the page goes away.
  window.addEventListener('pagehide', () => {
    clearTimeout(retryTimer);
    source?.close();
  });
  // Back from the back/forward cache: the stream was closed, so reopen it and catch up.
  window.addEventListener('pageshow', event => {
    if (!event.persisted) return;
    broken = true;
    open();
  });
  return { close: () => source?.close() };
}
