#!/usr/bin/env bash
# Thumbnail throughput on the real 8–20 MP test JPEGs: Annotator's pipeline (batch run, 1 and 2 at
# once) and vipsthumbnail (libvips' own CLI) on the same files, 256 px box, EXIF-rotated.
#   bench/thumbnails.sh            (needs libvips-tools for vipsthumbnail: apt-get install libvips-tools)
# Per-image times with BenchmarkDotNet: dotnet run -c Release --project bench/Annotator.Bench -- --filter '*'
set -euo pipefail
cd "$(dirname "$0")/.."
images=${ANNOTATOR_TESTDATA:-tests/testdata}/images
files=(phone-jolla.jpg phone-iphone.jpg phone-nokia.jpg canon-18mp-dark.jpg large-kleiber-20mp.jpg)
dotnet build -c Release bench/Annotator.Bench >/dev/null
for parallel in 1 2; do dotnet bench/Annotator.Bench/bin/Release/net10.0/Annotator.Bench.dll batch $parallel; done

if command -v vipsthumbnail >/dev/null; then
  out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
  list=$(for _ in $(seq 40); do for f in "${files[@]}"; do echo "$images/$f"; done; done)
  n=$(wc -l <<<"$list")
  for parallel in 1 2; do
    start=$(date +%s.%N)
    # Long-running processes, each given its share of the files (no process start per image).
    xargs -P "$parallel" -n $(( (n + parallel - 1) / parallel )) vipsthumbnail --size 256 -o "$out/%s.webp[Q=80,strip]" <<<"$list"
    end=$(date +%s.%N)
    printf 'vipsthumbnail %-8s parallel %s: %s images in %.2f s = %.1f images/s\n' "$(vipsthumbnail --vips-version | head -c 12)" \
      "$parallel" "$n" "$(echo "$end - $start" | bc)" "$(echo "$n / ($end - $start)" | bc -l)"
  done
else
  echo "vipsthumbnail not installed (apt-get install libvips-tools): skipped"
fi
