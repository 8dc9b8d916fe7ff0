#!/usr/bin/env bash
# HTTP load figures for one shape of Annotator, each beside the ceiling of this machine (bare ASP.NET Core,
# same ab lines, same run). Needs ab (apache2-utils), curl, python3, bc; the scale-out shape also root
# (scripts/services starts its servers).
#   bench/load.sh [uploads|e2e|cost|all]                                      SHAPE=embedded, the default
#   SHAPE=scaleout CATALOG=postgres|mysql EVENTS=inprocess|rabbitmq bench/load.sh [uploads|e2e|cost|all]
# embedded: one process: SQLite, the objects in its data folder, the in-process bus
# scaleout: a web node (--role web, which takes all the HTTP load) and a worker node (--role worker), each on a
#           data folder of its own, sharing only a new database on CATALOG, a new bucket on the S3 stand-in and the
#           event bus; the servers (scripts/services) are started here and stopped on exit
# uploads: UPLOAD_COUNT (1,000) uploads of copies of a ~250 KB photo at c=20 (bench/lib/upload.py), and the time until all are done; then the
#          gallery with those images in the catalog: ab -n 40000 -c 100 on the page, GET /api/images and a search;
#          then the ceiling ("gallery" is another name for this part)
# e2e:     E2E_COUNT (2,000) copies of real photos of every size at c=20: images/s, each process's peak RSS, the change
#          feed's delay (a page's GET /api/events on the web node, arrival - updatedAt of each image event), and the
#          CreateThumbnail set alone on the same photos, to compare end to end with
# cost:    COST_COUNT (200) uploads of copies of the photo at c=20 (scale-out: after 20 more and ANALYZE, the steady state):
#          the catalog's transactions and statements per image from the engine's own counters (minus what the idle
#          nodes cost in the same time), what the statements are, and ms per upload -> done
# Every part prints the CPU seconds of each node and shared server, and starts on fresh nodes, data and database.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
SHAPE=${SHAPE:-embedded} CATALOG=${CATALOG:-postgres} EVENTS=${EVENTS:-inprocess}
case $SHAPE in embedded | scaleout) ;; *) echo "SHAPE is '$SHAPE', not embedded or scaleout"; exit 2 ;; esac
case $what in uploads | gallery | e2e | cost | all) ;; *) echo "usage: bench/load.sh [uploads|e2e|cost|all]"; exit 2 ;; esac
uploads=${UPLOAD_COUNT:-1000} count=${E2E_COUNT:-2000} cost_count=${COST_COUNT:-200}
testdata=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}
photo=$testdata/images/exif-portrait-6.jpg
source bench/lib/measure.sh
ceiling=$(find_ceiling)
work=$(mktemp -d /tmp/annotator-load.XXXX)
source bench/lib/nodes.sh
source bench/lib/backends.sh

feed_pid=""
cleanup() {
  [ -z "$feed_pid" ] || kill "$feed_pid" 2>/dev/null || true
  stop_nodes
  stop_services
  rm -rf "$work"
}
trap cleanup EXIT
dotnet build -c Release src/Annotator.Server >/dev/null
[ "$what" != e2e ] && [ "$what" != all ] || dotnet build -c Release bench/Annotator.Bench >/dev/null

shape=$SHAPE; [ "$SHAPE" = embedded ] || shape="$SHAPE (CATALOG=$CATALOG EVENTS=$EVENTS)"
echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), load $(load_average); $shape"
run_t0=$(now)
if [ "$SHAPE" = scaleout ]; then
  start_services
  echo "services: $(grep -c 'ready in' "$work/services.out") started"
fi

part_uploads() {
  start_nodes
  echo "-- uploads: $uploads × $(basename "$photo") ($(stat -c %s "$photo") B), c=20 (load $(load_average))"
  cpu_snapshot "$work/cpu"
  upload_cycling "$uploads" "$photo"
  echo "CPU while uploading: $(cpu_since "$work/cpu")"
  echo "all $uploads done $(wait_all_done) s after the last upload was accepted; $(failed_count) failed; peak RSS $(peak_rss)"
  echo "CPU from the first upload to all done: $(cpu_since "$work/cpu")"
  page_bytes=$(curl -fs "${auth[@]}" "$url/" | wc -c); json_bytes=$(curl -fs "${auth[@]}" "$url/api/images" | wc -c)
  echo "-- gallery: $uploads images in the catalog; page $page_bytes B, first API page $json_bytes B (24 images) (load $(load_average))"
  ab -n 2000 -c 100 "${auth[@]}" "$url/" >/dev/null 2>&1; ab -n 2000 -c 100 "${auth[@]}" "$url/api/images" >/dev/null 2>&1
  figure "gallery page /, c=100" -n 40000 -c 100 "$url/"
  figure "GET /api/images, c=100" -n 40000 -c 100 "$url/api/images"
  figure "GET /api/images?q=portrait, c=100" -n 40000 -c 100 "$url/api/images?q=portrait"
  stop_nodes
  echo "-- ceiling (bare ASP.NET Core, same sizes, same photo) (load $(load_average))"
  "$ceiling" "$page_bytes" "$json_bytes" "$photo" 2>&1 | sed 's/^/ceiling /'
}

part_e2e() {
  start_nodes
  local photos; mapfile -t photos < <(real_photos)
  echo "-- end to end: $count uploads cycling through ${#photos[@]} real photos (80 KB to 4.4 MB, up to 20 MP), c=20 (load $(load_average))"
  # A page on the web node, as a browser keeps it open: every image event it gets, stamped on arrival.
  python3 -u bench/lib/feed_delay.py "$url/api/events" >"$work/feed.out" 2>&1 &
  feed_pid=$!
  until grep -q listening "$work/feed.out"; do
    kill -0 "$feed_pid" 2>/dev/null || { cat "$work/feed.out"; exit 1; }
    sleep 0.1
  done
  local t0 t1 t2; t0=$(now)
  cpu_snapshot "$work/cpu"
  upload_cycling "$count" "${photos[@]}"
  t1=$(now)
  wait_all_done >/dev/null
  t2=$(now)
  sleep 1 # the last changes reach the page: the feed is read every FeedInterval (200 ms)
  kill -TERM "$feed_pid"; wait "$feed_pid" || true; feed_pid=""
  printf 'uploaded in %.1f s; all done %.1f s after the first upload = %.1f images/s; peak RSS %s\n' \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)" "$(echo "$count / ($t2 - $t0)" | bc -l)" "$(peak_rss)"
  echo "states: $(failed_count) failed; CPU: $(cpu_since "$work/cpu")"
  grep -v '^listening' "$work/feed.out"
  stop_nodes
  # The thumbnail set alone on the same photos in the same minute, two at once as the two cores work: end to end adds
  # the upload, the caption and the catalog to it, and should cost little more. The caption function's own decode (the
  # offline describer's pixel sample) is printed beside it: end to end cannot be faster than both functions' pixel work.
  echo "the CreateThumbnail set alone, and the caption sample alone, same photos (bench/Annotator.Bench batch 2, JPEG preview) (load $(load_average)):"
  dotnet bench/Annotator.Bench/bin/Release/net10.0/Annotator.Bench.dll batch 2 "${photos[@]}" | grep -E 'jpeg preview|caption sample'
}

part_cost() {
  log_statements=1 start_nodes
  echo "-- catalog cost: $cost_count × $(basename "$photo"), c=20, upload -> done$([ "$SHAPE" = embedded ] || echo ", after 20 more and ANALYZE") (load $(load_average))"
  local idle=0 t0 t1 t2 t3
  if [ "$SHAPE" = scaleout ]; then
    # The steady state, not a new database's first minute: until autovacuum first analyzes its tables (within
    # autovacuum_naptime, 1 min), PostgreSQL plans every change's stamp with a hash join over a sequential scan of
    # images (it guesses 2,200 rows for the never-analyzed feed_counter), and a table analyzed while empty
    # (image_changes) is scanned whole by every feed read. So: a few images first, then ANALYZE, as autovacuum would.
    upload_cycling 20 "$photo" >/dev/null
    wait_all_done >/dev/null
    analyze_catalog
    # What the idle nodes cost the catalog (feed reads, relay and queue polls), to take out of the run's figures.
    # PostgreSQL's backends report their counters at most once a second, idle ones within 10 s: wait that out.
    sleep 11
    catalog_counters >"$work/c0"; t0=$(now); sleep 20; catalog_counters >"$work/c1"; t1=$(now)
    idle=$(echo "$t1 - $t0" | bc)
  fi
  cpu_snapshot "$work/cpu"
  t2=$(now)
  upload_cycling "$cost_count" "$photo"
  wait_all_done 1 >/dev/null # once a second: these polls are catalog statements too (2 per poll after a change)
  t3=$(now)
  printf '%.0f ms per image: %s uploads, from the first upload to all done in %.1f s; %s failed\n' \
    "$(echo "($t3 - $t2) * 1000 / $cost_count" | bc -l)" "$cost_count" "$(echo "$t3 - $t2" | bc)" "$(failed_count)"
  echo "CPU: $(cpu_since "$work/cpu")"
  python3 bench/lib/done_latency.py "$url" "$t2"
  if [ "$SHAPE" = embedded ]; then
    echo "catalog statements: not measurable here (SQLite runs inside the process: it keeps no counters, logs nothing)"
  else
    sleep 11
    catalog_counters >"$work/c2"
    local run; run=$(echo "$(now) - $t1" | bc)
    echo "catalog per image ($CATALOG counters; idle nodes measured over ${idle%.*} s and taken out for the ${run%.*} s from then to the last reading):"
    per_image "$cost_count" "$idle" "$run" "$work/c0" "$work/c1" "$work/c2"
    if [ "$CATALOG" = postgres ]; then
      echo "statements per image in the same ${run%.*} s, by what they are (gross: idle polls included):"
      statement_mix "$(awk '$1 == "log_bytes" { print $2 }' "$work/c1")" "$(awk '$1 == "log_bytes" { print $2 }' "$work/c2")" "$cost_count"
    fi
  fi
  stop_nodes
}

for part in uploads e2e cost; do
  if [ "$what" = all ] || [ "$what" = "$part" ] || { [ "$what" = gallery ] && [ "$part" = uploads ]; }; then
    part_t0=$(now)
    "part_$part"
    printf '(%s: %.0f s)\n' "$part" "$(echo "$(now) - $part_t0" | bc)"
  fi
done
printf '== %s done in %.0f s, load %s\n' "$shape" "$(echo "$(now) - $run_t0" | bc)" "$(load_average)"
