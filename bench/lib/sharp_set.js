// The CreateThumbnail set made with sharp, for comparison: each photo decoded once (EXIF-rotated, shrink-on-load) to at
// most 1440 px, the preview encoded from it (WebP q80 effort 0, or JPEG q80 baseline), the 256 px WebP thumbnail
// (q80 effort 4) made from those pixels; no metadata kept. N photos at once, one libvips thread each, as the worker.
//   NODE_PATH=<folder with node_modules> node bench/lib/sharp_set.js <parallel> <webp|jpeg|thumbnail> files...
const sharp = require('sharp');
const fs = require('fs');
const [parallel, kind, ...files] = process.argv.slice(2);
sharp.concurrency(1);
sharp.cache(false);
const photos = files.map(f => fs.readFileSync(f));

async function set(photo) {
  if (kind === 'thumbnail')
    return sharp(photo).rotate().resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80, effort: 4 }).toBuffer();
  const { data, info } = await sharp(photo).rotate().resize(1440, 1440, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const preview = kind === 'webp'
    ? sharp(data, raw).webp({ quality: 80, effort: 0 }).toBuffer()
    : sharp(data, raw).jpeg({ quality: 80, progressive: false }).toBuffer();
  const thumbnail = sharp(data, raw).resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80, effort: 4 }).toBuffer();
  return Promise.all([preview, thumbnail]);
}

(async () => {
  const jobs = [];
  const rounds = Number(process.env.ANNOTATOR_BENCH_ROUNDS) || Math.max(1, Math.floor(200 / photos.length));
  for (let round = 0; round < rounds; round++) jobs.push(...photos);
  await set(photos[0]); // warm-up
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: Number(parallel) }, async () => { while (next < jobs.length) await set(jobs[next++]); }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`sharp ${sharp.versions.sharp} ${kind.padEnd(16)} parallel ${parallel}: ${jobs.length} images in ${seconds.toFixed(2)} s = ${(jobs.length / seconds).toFixed(1)} images/s`);
})();
