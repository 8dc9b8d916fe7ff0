# shellcheck shell=bash
# What load.sh measures with: uploads of distinct copies, ab figures, waiting until the catalog has no open work.
# Sourced by bench/load.sh; $url is the node that takes the HTTP load (the web node in the scale-out shape), $auth
# the API token's header (bench/lib/nodes.sh) that every request to it sends.

# The machine's ceiling benchmark: $ANNOTATOR_CEILING, else beside the repository (../shared), or beside the folder
# of worktrees (../../shared); stops the run when there is none.
find_ceiling() {
  local c
  for c in "${ANNOTATOR_CEILING:-}" ../shared/ceiling/measure ../../shared/ceiling/measure; do
    [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return; }
  done
  echo "no ceiling benchmark at ../shared/ceiling/measure (set ANNOTATOR_CEILING)" >&2
  exit 2
}

figure() { # name, ab args...
  local name=$1; shift
  local r; r=$(ab "${auth[@]}" "$@" 2>&1)
  # ab counts a response whose length differs from the first as "failed"; JSON bodies differ
  # legitimately (ids, times), so only connection errors, exceptions and non-2xx answers count here.
  local errors; errors=$(sed -n 's/.*(Connect: \([0-9]*\), Receive: \([0-9]*\), Length: [0-9]*, Exceptions: \([0-9]*\)).*/\1 \2 \3/p' <<<"$r" | awk '{print $1+$2+$3}')
  printf '%-34s %10s req/s  failed %s  non-2xx %s\n' "$name" "$(awk '/^Requests per second/{print $4}' <<<"$r")" \
    "${errors:-0}" "$(awk '/^Non-2xx responses/{print $3}' <<<"$r" | grep . || echo 0)"
}

wait_all_done() { # [poll interval, 0.2 s] -> seconds waited until no image is pending or processing
  local t0 every=${1:-0.2}; t0=$(now)
  while :; do
    local open; open=$(curl -fs "${auth[@]}" "$url/api/images?state=pending&limit=1" "$url/api/images?state=processing&limit=1" | grep -c '"items":\[{' || true)
    [ "$open" = 0 ] && break
    sleep "$every"
  done
  echo "$(now) - $t0" | bc
}

# real_photos: the test data's real photos that this build decodes (every format but HEIC), one path a line.
real_photos() { ls "$testdata"/images/*.{jpg,png,webp,gif,tiff,avif} | grep -v heic; }

# upload_cycling COUNT PHOTO...: COUNT uploads to $url at c=20, cycling through the photos; prints the figure line.
# Each upload is a copy with bytes of its own (bench/lib/distinct.py), since the same bytes again are a duplicate.
upload_cycling() {
  local n=$1; shift
  rm -rf "$work/copies"; mkdir -p "$work/copies"
  python3 bench/lib/distinct.py "$work/copies" "$n" "$@" >"$work/copies.list"
  python3 bench/lib/upload.py "$url" "${auth[1]:-}" 20 "${upload_name:-POST /api/images, c=20}" <"$work/copies.list"
  rm -rf "$work/copies"
}

failed_count() { curl -fs "${auth[@]}" "$url/api/images?state=failed&limit=200" | grep -o '"id"' | wc -l; }

now() { echo "${EPOCHREALTIME/,/.}"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
