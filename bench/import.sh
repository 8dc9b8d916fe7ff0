#!/usr/bin/env bash
# `annotator import` of IMPORT_COUNT (10,000) photos on the embedded shape, beside bench/load.sh e2e: the same 25 real
# photos of the test data (80 KB to 4.4 MB, up to 20 MP) in turn, as hard links in a folder tree of 1,000 per folder.
# Prints the CLI's own line (files/s while uploading), the time until every image has its thumbnail set and caption,
# the failures, the server's peak RSS and CPU. IMPORT_PARALLEL (8): the CLI's --parallel.
#   bench/import.sh
set -euo pipefail
cd "$(dirname "$0")/.."
count=${IMPORT_COUNT:-10000} parallel=${IMPORT_PARALLEL:-8}
testdata=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}
SHAPE=embedded
source bench/lib/measure.sh
work=$(mktemp -d /tmp/annotator-import.XXXX)
source bench/lib/nodes.sh
source bench/lib/backends.sh # cpu_snapshot names the shared servers (none in the embedded shape)
cleanup() { stop_nodes; rm -rf "$work"; }
trap cleanup EXIT
dotnet build -c Release src/Annotator.Server >/dev/null
dotnet build -c Release src/Annotator.Cli >/dev/null

mapfile -t photos < <(ls "$testdata"/images/*.{jpg,png,webp,gif,tiff,avif} | grep -v heic)
for i in $(seq 0 $((count - 1))); do
  source_photo=${photos[$((i % ${#photos[@]}))]} folder="$work/photos/$((i / 1000))"
  mkdir -p "$folder"
  ln "$source_photo" "$folder/photo-$i.${source_photo##*.}" 2>/dev/null || cp "$source_photo" "$folder/photo-$i.${source_photo##*.}"
done
bytes=$(find "$work/photos" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }') # hard links: each counted

start_nodes
echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(load_average); annotator import of $count photos ($((bytes / 1048576)) MB, ${#photos[@]} real photos in turn), --parallel $parallel"
cpu_snapshot "$work/cpu"
t0=$(now)
(cd "$work" && dotnet "$OLDPWD/src/Annotator.Cli/bin/Release/net10.0/annotator.dll" import photos --server "$url" \
  --token "$ANNOTATOR_TOKEN" --parallel "$parallel" --no-progress) | sed 's/^/cli: /'
t1=$(now)
wait_all_done 1 >/dev/null
t2=$(now)
printf 'uploaded in %.1f s (%.1f files/s); all done %.1f s after the start = %.1f images/s; peak RSS %s\n' \
  "$(echo "$t1 - $t0" | bc)" "$(echo "$count / ($t1 - $t0)" | bc -l)" "$(echo "$t2 - $t0" | bc)" "$(echo "$count / ($t2 - $t0)" | bc -l)" "$(peak_rss)"
echo "states: $(failed_count) failed; CPU: $(cpu_since "$work/cpu")"
