#!/usr/bin/env bash
# Thumbnail throughput on the real test photos, all in one run so the figures can be compared (the machine is shared
# and noisy: compare within a run, not across runs):
#   - the machine's ceiling (../shared/ceiling/measure, its page figure: how loaded the machine is right now);
#   - Annotator's pipeline (batch run, 1 and 2 at once): the 256 px thumbnail alone, and the CreateThumbnail set with
#     a WebP preview (as before) and a JPEG preview (the default);
#   - vipsthumbnail (libvips' own CLI) on the same files: the 256 px WebP thumbnail, and the 1440 px preview as WebP
#     (effort 0, as Annotator's) and as JPEG (q80, baseline), all metadata stripped;
#   - sharp (installed with npm into a temp folder, skipped without npm) making the same set, both preview formats.
# Two sets: the five 8–20 MP camera JPEGs (decode dominates) and five 0.3–3 MP ones (the preview's encode dominates).
#   bench/thumbnails.sh            (needs libvips-tools for vipsthumbnail, apache2-utils for the ceiling)
#   ANNOTATOR_BENCH_ROUNDS=12 bench/thumbnails.sh    rounds over each set's five files per figure (default 40: 200 images)
# Everything runs at nice 10, the priority of Annotator's processing threads (LowPriorityThreads), so that on a shared
# machine no contender gets more of the CPU than another.
# Per-image times with BenchmarkDotNet: dotnet run -c Release --project bench/Annotator.Bench -- --filter '*'
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/measure.sh
images=${ANNOTATOR_TESTDATA:-tests/testdata}/images
export ANNOTATOR_BENCH_ROUNDS=${ANNOTATOR_BENCH_ROUNDS:-40}; rounds=$ANNOTATOR_BENCH_ROUNDS
large=(phone-jolla.jpg phone-iphone.jpg phone-nokia.jpg canon-18mp-dark.jpg large-kleiber-20mp.jpg)
small=(nikon-gps.jpg camera-canon.jpg trailcam-reconyx.jpg exif-landscape-1.jpg exif-portrait-6.jpg)
dotnet build -c Release bench/Annotator.Bench >/dev/null
echo "ceiling:"; "$(find_ceiling)" | sed -n 1p

out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
sharp=""
if command -v npm >/dev/null && (cd "$out" && npm init -y >/dev/null && npm install --silent sharp@0.35.5 >/dev/null 2>&1); then sharp=$out/node_modules
else echo "npm or sharp not available: sharp skipped"; fi
vips_run() { # label size output-suffix parallel files...
  local label=$1 size=$2 suffix=$3 parallel=$4; shift 4
  local list; list=$(for _ in $(seq "$rounds"); do for f in "$@"; do echo "$images/$f"; done; done)
  local n; n=$(wc -l <<<"$list")
  local start end; start=$(date +%s.%N)
  # Long-running processes, each given its share of the files (no process start per image).
  xargs -P "$parallel" -n $(( (n + parallel - 1) / parallel )) nice -n 10 vipsthumbnail --size "$size" -o "$out/%s$suffix" <<<"$list"
  end=$(date +%s.%N)
  printf 'vipsthumbnail %-24s parallel %s: %s images in %.2f s = %.1f images/s\n' "$label" "$parallel" "$n" \
    "$(echo "$end - $start" | bc)" "$(echo "$n / ($end - $start)" | bc -l)"
}

for set in large small; do
  declare -n files=$set
  echo "== $set: ${files[*]}"
  paths=("${files[@]/#/$images/}")
  for parallel in 1 2; do nice -n 10 dotnet bench/Annotator.Bench/bin/Release/net10.0/Annotator.Bench.dll batch $parallel "${paths[@]}" | grep -v warm-up; done
  if command -v vipsthumbnail >/dev/null; then
    for parallel in 1 2; do
      vips_run "256 webp" 256 ".webp[Q=80,strip]" $parallel "${files[@]}"
      vips_run "1440 webp effort 0" 1440 ".webp[Q=80,strip,effort=0]" $parallel "${files[@]}"
      vips_run "1440 jpeg q80" 1440 ".jpg[Q=80,strip]" $parallel "${files[@]}"
    done
  else
    echo "vipsthumbnail not installed (apt-get install libvips-tools): skipped"
  fi
  if [ -n "$sharp" ]; then
    for parallel in 1 2; do for kind in thumbnail webp jpeg; do
      UV_THREADPOOL_SIZE=$parallel NODE_PATH=$sharp nice -n 10 node bench/lib/sharp_set.js $parallel $kind "${paths[@]}"
    done; done
  fi
done
echo "ceiling:"; "$(find_ceiling)" | sed -n 1p
