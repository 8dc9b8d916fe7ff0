#!/usr/bin/env bash
# Issue 10's scaling figures: the cluster of scripts/cluster (nginx before web nodes and workers, on MariaDB,
# RabbitMQ and the S3 stand-in) at several sizes, each size on a fresh cluster of its own (a temp folder, down on exit).
#   bench/cluster.sh [gallery|e2e|all]
# gallery: with each of WEB_SIZES ("1 3") web nodes (2 workers): GALLERY_COUNT (200) uploads of a ~250 KB photo,
#          processed; then ab -n 40000 -c 100 through nginx on the page / and on GET /api/images (the admin's token),
#          each web node's CPU seconds; the same two on web1 without nginx; the cluster down, then the ceiling with the
#          same body sizes
# e2e:     with each of WORKER_SIZES ("1 2 3") workers and E2E_WEB (1) web node: E2E_COUNT (2,000) real photos
#          (the mix of load.sh e2e) through nginx at c=20 until all are done: images/s; which worker finished each
#          thumbnail and caption (MariaDB's general log: the lease owner of each finishing statement); per image,
#          idle taken out: the catalog's statements and transactions, the broker's messages, each process's CPU
# Needs root or sudo (scripts/services, apt); installs ab (apache2-utils), bc, curl and python3 when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/apt.sh
what=${1:-all}
case $what in gallery | e2e | all) ;; *) echo "usage: bench/cluster.sh [gallery|e2e|all]"; exit 2 ;; esac
web_sizes=${WEB_SIZES:-1 3} worker_sizes=${WORKER_SIZES:-1 2 3} e2e_web=${E2E_WEB:-1}
gallery_count=${GALLERY_COUNT:-200} count=${E2E_COUNT:-2000}
apt_install apache2-utils bc curl python3
testdata=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}
photo=$testdata/images/exif-portrait-6.jpg
source bench/lib/measure.sh
ceiling=$(find_ceiling)
work=$(mktemp -d /tmp/annotator-bench-cluster.XXXX) && chmod 711 "$work" # scripts/services' PostgreSQL user reaches its folder inside
source bench/lib/nodes.sh    # cpu_snapshot, cpu_since, peak_rss over node_pid
CATALOG=mysql EVENTS=rabbitmq
source bench/lib/backends.sh # catalog_counters (MariaDB), per_image, shared_servers

# The cluster of this run, in a folder of its own (scripts/cluster's state: pids, ports, token, services).
export ANNOTATOR_CLUSTER_DIR=$work/cluster
cluster_up() { # scripts/cluster up args...: up, then $url (nginx), $auth, node_pid and the services' env
  scripts/cluster up "$@" >"$work/up.out" 2>&1 || { cat "$work/up.out"; exit 1; }
  local d=$ANNOTATOR_CLUSTER_DIR f name
  url=http://127.0.0.1:$(cat "$d/nginx.port")
  auth=(-H "Authorization: Bearer $(cat "$d/admin-token")")
  node_pid=()
  for f in "$d"/web*.pid "$d"/worker*.pid "$d"/nginx.pid; do name=$(basename "$f" .pid); node_pid[$name]=$(cat "$f"); done
  services_dir=$d/services
  eval "$(ANNOTATOR_SERVICES_DIR=$services_dir scripts/services env)"
  unset ANNOTATOR_TEST_SERVICES
}
cluster_down() { [ ! -d "$ANNOTATOR_CLUSTER_DIR" ] || scripts/cluster down >/dev/null 2>&1 || true; services_dir=""; }
trap 'cluster_down; rm -rf "$work"' EXIT

# figure_sized NAME URL: ab -n 40000 -c 100 on URL, with the body size ab saw (its first response) beside the one curl
# gets, so an error page answered fast cannot pass for the real one.
figure_sized() {
  local r; r=$(ab -n 40000 -c 100 "${auth[@]}" "$2" 2>&1)
  local errors; errors=$(sed -n 's/.*(Connect: \([0-9]*\), Receive: \([0-9]*\), Length: [0-9]*, Exceptions: \([0-9]*\)).*/\1 \2 \3/p' <<<"$r" | awk '{print $1+$2+$3}')
  printf '%-28s %10s req/s  failed %s  non-2xx %s  body %s B (curl: %s B)\n' "$1" "$(awk '/^Requests per second/{print $4}' <<<"$r")" \
    "${errors:-0}" "$(awk '/^Non-2xx responses/{print $3}' <<<"$r" | grep . || echo 0)" \
    "$(awk '/^Document Length/{print $3}' <<<"$r")" "$(curl -fs "${auth[@]}" "$2" | wc -c)"
}

# broker_counters: the broker's message counts over Annotator's queues, "name value" a line (management API; its
# figures lag by up to its 5 s statistics interval). work: the functions' queues; retry: the per-delay queues.
broker_counters() {
  local creds=${ANNOTATOR_TEST_RABBITMQ#amqp://}; creds=${creds%%@*}
  curl -fsS -u "$creds" "$ANNOTATOR_TEST_RABBITMQ_MANAGEMENT/api/queues" | python3 -c '
import json, sys
totals = {}
for q in json.load(sys.stdin):
    name, s = q["name"], q.get("message_stats", {})
    if not name.startswith("annotator."): continue
    kind = "retry" if ".retry." in name else "dead" if name.endswith(".dead") else "work"
    for stat in ("publish", "deliver_get", "ack", "redeliver"):
        totals[f"broker_{kind}_{stat}"] = totals.get(f"broker_{kind}_{stat}", 0) + s.get(stat, 0)
for k in sorted(totals): print(k, totals[k])'
}

# readings FILE: the catalog's and the broker's counters and each process's CPU (ms), for per_image.
readings() {
  sleep 6 # the broker's statistics interval (5 s)
  cpu_snapshot "$1.cpu"
  { catalog_counters; broker_counters; awk '{ printf "cpu_ms_%s %.0f\n", $1, $2 * 1000 }' "$1.cpu"; } >"$1"
}

part_gallery() {
  local web
  for web in $web_sizes; do
    cluster_up --web "$web" --workers 2
    echo "-- gallery: $web web node(s), 2 workers, through nginx; $gallery_count × $(basename "$photo") first (load $(load_average))"
    upload_cycling "$gallery_count" "$photo" >/dev/null
    wait_all_done 1 >/dev/null
    echo "$gallery_count uploaded and processed, $(failed_count) failed"
    local page_bytes json_bytes
    page_bytes=$(curl -fs "${auth[@]}" "$url/" | wc -c); json_bytes=$(curl -fs "${auth[@]}" "$url/api/images" | wc -c)
    ab -n 2000 -c 100 "${auth[@]}" "$url/" >/dev/null 2>&1; ab -n 2000 -c 100 "${auth[@]}" "$url/api/images" >/dev/null 2>&1
    cpu_snapshot "$work/cpu"
    figure_sized "gallery page /, c=100" "$url/"
    figure_sized "GET /api/images, c=100" "$url/api/images"
    echo "CPU: $(cpu_since "$work/cpu")"
    # The same on web1 without nginx: what the proxy's hop costs, in the same minute.
    local direct; direct=http://127.0.0.1:$(cat "$ANNOTATOR_CLUSTER_DIR/web1.port")
    figure_sized "web1 direct: page /, c=100" "$direct/"
    figure_sized "web1 direct: /api/images" "$direct/api/images"
    cluster_down
    echo "-- ceiling (bare ASP.NET Core, same sizes) (load $(load_average))"
    "$ceiling" "$page_bytes" "$json_bytes" 2>&1 | sed 's/^/ceiling /'
  done
}

part_e2e() {
  local workers photos; mapfile -t photos < <(real_photos)
  for workers in $worker_sizes; do
    cluster_up --web "$e2e_web" --workers "$workers"
    echo "-- end to end: $e2e_web web node(s), $workers worker(s); $count uploads through nginx cycling through ${#photos[@]} real photos, c=20 (load $(load_average))"
    # What the idle cluster costs (feed reads, relay and queue polls), to take out of the run's figures.
    local t0 t1 t2 t3 idle run
    readings "$work/r0"; t0=$(now); sleep 20; readings "$work/r1"; t1=$(now)
    idle=$(echo "$t1 - $t0" | bc)
    # The general log: which node finished each piece of work. Writing it costs MariaDB CPU of its own.
    my -e "SET GLOBAL general_log_file = '$work/general.log'; SET GLOBAL general_log = 1"
    t2=$(now)
    upload_cycling "$count" "${photos[@]}"
    printf 'uploaded in %.1f s' "$(echo "$(now) - $t2" | bc)"
    wait_all_done 1 >/dev/null # once a second: the polls are catalog statements too (4 a second through nginx)
    t3=$(now)
    my -e "SET GLOBAL general_log = 0"
    printf '; all done %.1f s after the first upload = %.2f images/s; %s failed; peak RSS %s\n' \
      "$(echo "$t3 - $t2" | bc)" "$(echo "$count / ($t3 - $t2)" | bc -l)" "$(failed_count)" "$(peak_rss)"
    readings "$work/r2"
    run=$(echo "$(now) - $t1" | bc)
    echo "CPU, first upload to all done (and the readings' 6 s): $(cpu_since "$work/r1.cpu")"
    echo "who finished the work (MariaDB's general log: the lease owner of each finishing statement):"
    local args=() name; for name in "${!node_pid[@]}"; do args+=("$name=${node_pid[$name]}"); done
    python3 bench/lib/work_share.py "$work/general.log" "${args[@]}"
    echo "per image (idle measured over ${idle%.*} s and taken out for the ${run%.*} s from then to the last reading):"
    per_image "$count" "$idle" "$run" "$work/r0" "$work/r1" "$work/r2"
    rm -f "$work/general.log"
    cluster_down
  done
}

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), load $(load_average); scripts/cluster on MariaDB, RabbitMQ, S3 stand-in"
run_t0=$(now)
for part in gallery e2e; do
  if [ "$what" = all ] || [ "$what" = "$part" ]; then
    part_t0=$(now)
    "part_$part"
    printf '(%s: %.0f s)\n' "$part" "$(echo "$(now) - $part_t0" | bc)"
  fi
done
printf '== done in %.0f s, load %s\n' "$(echo "$(now) - $run_t0" | bc)" "$(load_average)"
