// Live image changes from GET /api/events (server-sent events): `image` carries the whole image,
// `deleted` carries `{ id }`, `ping` keeps the stream open. EventSource reconnects by itself after
// a dropped connection; when the server refuses the stream outright it is reopened here, later.

const RETRY_AFTER_MS = 5000;

/**
 * @param {{ onImage?: (image) => void, onDeleted?: (id: string) => void, onResync?: () => void }} handlers
 *   `onResync` runs each time the stream opens: changes before that moment may have been missed.
 * @param {HTMLElement | null} statusElement shows Live / Reconnecting.
 */
export function connectLive({ onImage = () => {}, onDeleted = () => {}, onResync = () => {} }, statusElement) {
  let source = null;
  let broken = false;
  let retryTimer = 0;

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
    source = new EventSource('/api/events');
    // Changes made before the stream opened were never sent: every open (the first one too, since
    // the page's first read may predate it) asks the page to read again and catch up.
    source.addEventListener('open', () => {
      show('open', 'Live');
      broken = false;
      onResync();
    });
    source.addEventListener('image', event => {
      const image = parse(event);
      if (image && image.id) onImage(image);
    });
    source.addEventListener('deleted', event => {
      const data = parse(event);
      if (data && data.id) onDeleted(data.id);
    });
    source.addEventListener('error', () => {
      broken = true;
      if (source.readyState === EventSource.CLOSED) {
        show('closed', 'Offline, retrying…');
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
