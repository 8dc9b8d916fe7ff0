#!/usr/bin/env bash
# What authenticating every request costs: the same ab lines against a build from before access control (no
# credentials) and this tree (an API token on every request, made as bench/load.sh makes it), alternating before /
# after for ROUNDS rounds so the machine's drift shows, then the ceiling of this machine in the same run.
#   bench/access.sh BEFORE_DIR     BEFORE_DIR: a worktree of the older commit, built in Release, e.g.
#     git worktree add /work/wt/bench-before 2c68efc && (cd /work/wt/bench-before && dotnet build -c Release src/Annotator.Server)
# Embedded shape, both servers up the whole time, each on its own data folder with SEED (200) photos uploaded and
# processed first. Per round and build: GET /api/images, ?q=portrait, one image, its thumbnail (ab -n 20000 -c 100,
# no keep-alive), then UPLOADS (300) uploads at c=20, waiting until they are processed before the next figure.
set -euo pipefail
cd "$(dirname "$0")/.."
before_dir=$(cd "${1:?usage: bench/access.sh BEFORE_DIR}" && pwd)
rounds=${ROUNDS:-2} seed=${SEED:-200} uploads=${UPLOADS:-300} gets=${GETS:-20000}
SHAPE=embedded
photo=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}/images/exif-portrait-6.jpg
source bench/lib/measure.sh
ceiling=$(find_ceiling)
work=$(mktemp -d /tmp/annotator-access.XXXX)
source bench/lib/nodes.sh
source bench/lib/backends.sh
trap 'stop_nodes; rm -rf "$work"' EXIT
dotnet build -c Release src/Annotator.Server >/dev/null
[ -f "$before_dir/src/Annotator.Server/bin/Release/net10.0/Annotator.Server.dll" ] || { echo "build $before_dir in Release first"; exit 2; }

echo "== $(date -u +%FT%TZ) $(nproc) cores, load $(load_average); before: $(git -C "$before_dir" rev-parse --short HEAD), after: $(git rev-parse --short HEAD)"
# One server per build; "use NAME" points $url and $auth (bench/lib/measure.sh sends it) at it.
declare -A at=() header=() image=()
at[before]=$url at[after]=http://127.0.0.1:$(free_port)
cd "$before_dir" && start_node before all "${at[before]}" && cd - >/dev/null # the older tree ignores the admin settings
start_node after all "${at[after]}"
url=${at[after]} && sign_in && header[after]=${auth[1]} # the "before" build takes no credentials
use() { url=${at[$1]}; auth=(); [ -z "${header[$1]:-}" ] || auth=(-H "${header[$1]}"); }
for build in before after; do
  use $build
  upload_cycling "$seed" "$photo" >/dev/null
  wait_all_done >/dev/null
  image[$build]=$(curl -fs "${auth[@]}" "$url/api/images?limit=1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
  for path in /api/images "/api/images?q=portrait" "/api/images/${image[$build]}" "/api/images/${image[$build]}/thumbnail"; do
    ab -n 2000 -c 100 "${auth[@]}" "$url$path" >/dev/null 2>&1 # warm-up
  done
done
use after
json_bytes=$(curl -fs "${auth[@]}" "$url/api/images" | wc -c) thumb_bytes=$(curl -fs "${auth[@]}" "$url/api/images/${image[after]}/thumbnail" | wc -c)
echo "$seed images in each catalog; first API page $json_bytes B, one thumbnail $thumb_bytes B"

for round in $(seq 1 "$rounds"); do
  for build in before after; do
    use $build
    echo "-- round $round, $build (load $(load_average))"
    figure "GET /api/images, c=100" -n "$gets" -c 100 "$url/api/images"
    figure "GET /api/images?q=portrait, c=100" -n "$gets" -c 100 "$url/api/images?q=portrait"
    figure "GET /api/images/{id}, c=100" -n "$gets" -c 100 "$url/api/images/${image[$build]}"
    figure "GET /api/images/{id}/thumbnail" -n "$gets" -c 100 "$url/api/images/${image[$build]}/thumbnail"
    upload_cycling "$uploads" "$photo"
    echo "processed in $(wait_all_done) s"
  done
done
stop_nodes
echo "-- ceiling (bare ASP.NET Core; page = the thumbnail's size, json = the list's) (load $(load_average))"
"$ceiling" "$thumb_bytes" "$json_bytes" "$photo" 2>&1 | sed 's/^/ceiling /'
echo "== done $(date -u +%FT%TZ), load $(load_average)"
