// The image page's "Gave up" panel: events a function failed on every attempt (the catalog or the storage
// was unreachable each time), with a Replay button (for those who may write) that delivers one again to that function.
import { listDeadLetters, replayDeadLetter } from './api.js';
import { el, formatInstant } from './format.js';

const NAMES = { thumbnail: 'Thumbnail', caption: 'Caption' };

/**
 * @param {HTMLElement} section shown only while there is something to show.
 * @param {HTMLElement} list receives one entry per dead letter.
 * @param {string} imageId
 * @param {(text: string, isError?: boolean) => void} say reports what a replay did.
 * @param {() => boolean} canReplay whether to offer Replay (the account's `write` right).
 */
export function deadLetterPanel(section, list, imageId, say, canReplay = () => true) {
  let reading = null;

  const show = letters => {
    section.hidden = letters.length === 0;
    list.replaceChildren(...letters.map(letter => el('div', { className: 'work' },
      el('h3', {}, NAMES[letter.function] ?? letter.function),
      el('p', {}, `Gave up after ${letter.attempts} attempts, ${formatInstant(letter.at)}: ${letter.reason}`),
      canReplay() && el('button', {
        type: 'button',
        onclick: async event => {
          event.currentTarget.disabled = true;
          try {
            await replayDeadLetter(letter);
            say(`${NAMES[letter.function] ?? letter.function} is being tried again.`);
          } catch (error) {
            say(`Replay failed: ${error.message}`, true);
          }
          refresh();
        },
      }, 'Replay'))));
  };

  const refresh = () => {
    reading?.abort();
    reading = new AbortController();
    listDeadLetters(imageId, reading.signal).then(show, error => {
      if (error.name !== 'AbortError') section.hidden = true; // an optional panel: say nothing
    });
  };

  refresh();
  return { refresh };
}
