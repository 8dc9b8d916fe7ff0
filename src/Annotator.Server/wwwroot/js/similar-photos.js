// The image page's "Similar photos": its near-duplicates by perceptual hash (GET /api/images/{id}/similar), each a
// thumbnail linking to its page. Asked for once the image's own thumbnail is made (before that it has no hash).

import { similarImages } from './api.js';
import { el } from './format.js';

export function similarPanel(section, list, id) {
  let askedFor = null; // the thumbnail version the list was read for: a remade thumbnail may hash differently

  async function refresh(image) {
    const version = image.thumbnail?.url ?? null;
    if (!version || version === askedFor) return;
    askedFor = version;
    try {
      const { items } = await similarImages(id);
      list.replaceChildren(...items.map(({ distance, image: other }) => el('li', { className: 'similar-item' },
        el('a', { href: `/images/${encodeURIComponent(other.id)}`, title: `${other.fileName}: ${distance} of 64 hash bits differ` },
          other.thumbnail?.url ? el('img', { src: other.thumbnail.url, alt: other.fileName, loading: 'lazy' }) : null,
          el('span', { className: 'similar-name' }, other.fileName)))));
      if (items.length === 0) list.replaceChildren(el('p', { className: 'muted' }, 'No similar photos.'));
      section.hidden = false;
    } catch {
      askedFor = null; // asked again at the next update
    }
  }

  return { refresh };
}
