#!/usr/bin/env bash
# HTTP load figures for the embedded shape, each beside the ceiling of this machine (bare ASP.NET Core,
# same ab lines, same run). Needs ab (apache2-utils), curl, python3.
#   bench/load.sh [gallery|uploads|e2e|all]
# gallery: 1,000 images in the catalog, ab -n 40000 -c 100 on the page and on GET /api/images
# uploads: ab -n 2000 -c 20 posting a ~250 KB photo, then the time until all 2,000 are done
# e2e:     2,000 real photos of every size uploaded at concurrency 20: time until all done, images/s, peak RSS
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
count=${E2E_COUNT:-2000}   # uploads in the end-to-end run
testdata=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}
photo=$testdata/images/exif-portrait-6.jpg
work=$(mktemp -d /tmp/annotator-load.XXXX)
dotnet build -c Release src/Annotator.Server >/dev/null

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
url=http://127.0.0.1:$port
start_server() {
  # SERVER_ENV: extra NAME=value settings for the server process, e.g. SERVER_ENV="DOTNET_gcServer=0"
  (cd src/Annotator.Server && exec env Annotator__DataDirectory="$work/data" Logging__LogLevel__Default=Warning ${SERVER_ENV:-} \
    dotnet bin/Release/net10.0/Annotator.Server.dll --urls "$url") >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do curl -fs "$url/readyz" >/dev/null 2>&1 && return; sleep 0.5; done
  echo "server did not start: $(cat "$work/server.log")"; exit 1
}
stop_server() { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; rm -rf "$work/data"; }
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

multipart() { # photo body-file -> prints content type
  python3 - "$1" "$2" <<'PY'
import os, sys
b = "----annotatorBench7MA4YWxkTrZu0gW"
data = open(sys.argv[1], "rb").read()
body = (f'--{b}\r\nContent-Disposition: form-data; name="file"; filename="{os.path.basename(sys.argv[1])}"\r\n'
        'Content-Type: application/octet-stream\r\n\r\n').encode() + data + f"\r\n--{b}--\r\n".encode()
open(sys.argv[2], "wb").write(body)
print(f"multipart/form-data; boundary={b}")
PY
}
figure() { # name, ab args...
  local name=$1; shift
  local r; r=$(ab "$@" 2>&1)
  # ab counts a response whose length differs from the first as "failed"; JSON bodies differ
  # legitimately (ids, times), so only connection errors, exceptions and non-2xx answers count here.
  local errors; errors=$(sed -n 's/.*(Connect: \([0-9]*\), Receive: \([0-9]*\), Length: [0-9]*, Exceptions: \([0-9]*\)).*/\1 \2 \3/p' <<<"$r" | awk '{print $1+$2+$3}')
  printf '%-34s %10s req/s  failed %s  non-2xx %s\n' "$name" "$(awk '/^Requests per second/{print $4}' <<<"$r")" \
    "${errors:-0}" "$(awk '/^Non-2xx responses/{print $3}' <<<"$r" | grep . || echo 0)"
}
wait_all_done() { # expected count -> seconds waited
  local t0; t0=$(date +%s.%N)
  while :; do
    local open; open=$(curl -fs "$url/api/images?state=pending&limit=1" "$url/api/images?state=processing&limit=1" | grep -c '"items":\[{' || true)
    [ "$open" = 0 ] && break
    sleep 0.2
  done
  echo "$(date +%s.%N) - $t0" | bc
}
peak_rss_mb() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$server/status"; }
ct=$(multipart "$photo" "$work/body")

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r)"
if [ "$what" = gallery ] || [ "$what" = all ]; then
  start_server
  ab -n 1000 -c 20 -p "$work/body" -T "$ct" "$url/api/images" >/dev/null 2>&1
  wait_all_done >/dev/null
  page_bytes=$(curl -fs "$url/" | wc -c); json_bytes=$(curl -fs "$url/api/images" | wc -c)
  echo "-- gallery: 1,000 images in the catalog; page $page_bytes B, first API page $json_bytes B (24 images)"
  ab -n 2000 -c 100 "$url/" >/dev/null 2>&1; ab -n 2000 -c 100 "$url/api/images" >/dev/null 2>&1
  figure "gallery page /, c=100" -n 40000 -c 100 "$url/"
  figure "GET /api/images, c=100" -n 40000 -c 100 "$url/api/images"
  figure "GET /api/images?q=portrait, c=100" -n 40000 -c 100 "$url/api/images?q=portrait"
  stop_server
  echo "-- ceiling (bare ASP.NET Core, same sizes)"
  ../shared/ceiling/measure "$page_bytes" "$json_bytes" 2>&1 | sed 's/^/ceiling /'
fi
if [ "$what" = uploads ] || [ "$what" = all ]; then
  start_server
  echo "-- uploads: $(basename "$photo") ($(stat -c %s "$photo") B)"
  figure "POST /api/images, c=20" -n 2000 -c 20 -p "$work/body" -T "$ct" "$url/api/images"
  echo "all 2,000 done $(wait_all_done) s after the last upload was accepted; server peak RSS $(peak_rss_mb) MB"
  stop_server
  ../shared/ceiling/measure 100 100 "$photo" 2>&1 | grep upload | sed 's/^/ceiling /'
fi
if [ "$what" = e2e ] || [ "$what" = all ]; then
  start_server
  mapfile -t photos < <(ls "$testdata"/images/*.{jpg,png,webp,gif,tiff,avif} | grep -v heic)
  echo "-- end to end: $count uploads cycling through ${#photos[@]} real photos (80 KB to 4.4 MB, up to 20 MP), c=20"
  t0=$(date +%s.%N)
  for i in $(seq 0 $((count - 1))); do echo "${photos[$((i % ${#photos[@]}))]}"; done |
    xargs -P 20 -I{} curl -fs -o /dev/null -F "file=@{}" "$url/api/images"
  t1=$(date +%s.%N)
  wait_all_done >/dev/null
  t2=$(date +%s.%N)
  printf 'uploaded in %.1f s; all done %.1f s after the first upload = %.1f images/s; server peak RSS %s MB\n' \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t0" | bc)" "$(echo "$count / ($t2 - $t0)" | bc -l)" "$(peak_rss_mb)"
  echo "states: $(curl -fs "$url/api/images?state=failed&limit=200" | grep -o '"id"' | wc -l) failed"
  stop_server
fi
