# shellcheck shell=bash
# The Annotator processes of one shape, started fresh for each part of a run and stopped after it.
#   embedded: one process (role all) on its own data folder: SQLite, objects in the folder, the in-process bus
#   scaleout: a worker node, then a web node, each on a data folder of its own, sharing only the catalog engine,
#             the S3 stand-in and the event bus (a new database, bucket and vhost each time: bench/lib/backends.sh)
# Sourced by bench/load.sh. $url is the node that takes the HTTP load; node_pid[NAME] the process of each node.
# Every request needs credentials since access control: the node that takes the load starts with a first admin
# (bench, a random password per run); once it is ready the benchmark signs in and makes an API token, as a real
# API client would. $auth holds the header for curl and ab ("${auth[@]}"); ANNOTATOR_TOKEN is for the python helpers.

declare -A node_pid=()
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
url=http://127.0.0.1:$(free_port)
worker_url=http://127.0.0.1:$(free_port)
bench_password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')
auth=()

start_nodes() {
  case $SHAPE in
    embedded) start_node server all "$url" ;;
    scaleout)
      fresh_backends
      start_node worker worker "$worker_url" # first, as in the scale-out tests: the web node then serves at once
      start_node web web "$url" ;;
  esac
  sign_in
}

# sign_in: the first admin signs in (a session cookie) and makes a token with every scope for a day; every later
# request sends it, so each one pays what a real client's does: the token looked up by its hash, with its account.
sign_in() {
  curl -fsS -o /dev/null -c "$work/cookies" -H 'content-type: application/json' \
    --data "{\"userName\":\"bench\",\"password\":\"$bench_password\"}" "$url/api/auth/login"
  local token
  token=$(curl -fsS -b "$work/cookies" -H 'content-type: application/json' \
    --data '{"name":"bench","scopes":["read","upload","write","admin"],"expiresInDays":1}' "$url/api/tokens" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
  auth=(-H "Authorization: Bearer $token")
  export ANNOTATOR_TOKEN=$token
}

# start_node NAME ROLE URL: the server in Release on a data folder of its own, warnings only; waits for /readyz.
# SERVER_ENV: extra NAME=value settings for every node, e.g. SERVER_ENV="Annotator__Catalog__FeedInterval=00:00:00.05"
start_node() {
  local name=$1 role=$2 at=$3 admin=()
  [ "$role" = worker ] || admin=(Annotator__Auth__AdminUser=bench Annotator__Auth__AdminPassword="$bench_password")
  # shellcheck disable=SC2086 # SERVER_ENV is a list of words
  (cd src/Annotator.Server && exec env Annotator__DataDirectory="$work/$name" Logging__LogLevel__Default=Warning \
    "${admin[@]}" "${backend_env[@]}" ${SERVER_ENV:-} dotnet bin/Release/net10.0/Annotator.Server.dll --urls "$at" --role "$role") \
    >"$work/$name.log" 2>&1 &
  node_pid[$name]=$!
  for _ in $(seq 1 240); do
    curl -fs "$at/readyz" >/dev/null 2>&1 && return
    kill -0 "${node_pid[$name]}" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q 'Provider is .*not one of' "$work/$name.log"; then
    echo "could not run $SHAPE with CATALOG=$CATALOG EVENTS=$EVENTS: this build refuses it: $(grep -o 'Provider is .*' "$work/$name.log")"
    exit 3
  fi
  echo "$name node did not start: $(cat "$work/$name.log")"; exit 1
}

stop_nodes() {
  local name
  for name in "${!node_pid[@]}"; do kill "${node_pid[$name]}" 2>/dev/null || true; done
  for name in "${!node_pid[@]}"; do wait "${node_pid[$name]}" 2>/dev/null || true; rm -rf "${work:?}/$name"; done
  node_pid=()
  [ "$SHAPE" = embedded ] || drop_backends
}

peak_rss() { # "web 250 MB, worker 400 MB": each node's VmHWM
  local name out=""
  for name in $(printf '%s\n' "${!node_pid[@]}" | sort -r); do
    out+="${out:+, }$name $(awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/${node_pid[$name]}/status") MB"
  done
  echo "$out"
}

# cpu_snapshot FILE: the CPU seconds (user + system) each node and each shared server used so far, "name seconds" a
# line. A server is its process and all below it (PostgreSQL's backends, which start sessions of their own), with
# what the children that have ended used (cutime, cstime); the S3 stand-in is "s3".
cpu_snapshot() {
  local name
  {
    for name in "${!node_pid[@]}"; do echo "$name $(cpu_of_tree "${node_pid[$name]}")"; done
    for name in $(shared_servers); do echo "$name $(cpu_of_tree "$(cat "$services_dir/$name.pid")")"; done
  } >"$1"
}
cpu_of_tree() { # PID -> seconds
  local hz; hz=$(getconf CLK_TCK)
  ps -eo pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END { keep[root] = 1; do { grown = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grown = 1 } } while (grown)
          for (p in keep) print p }' |
    while read -r p; do cat "/proc/$p/stat" 2>/dev/null; done |
    sed 's/^.*) //' | awk -v hz="$hz" '{ t += $12 + $13 + $14 + $15 } END { printf "%.1f\n", t / hz }'
}
cpu_since() { # FILE (a cpu_snapshot) -> "web 12 s, worker 80 s, postgres 10 s, s3 20 s" used since
  cpu_snapshot "$1.now"
  awk 'NR == FNR { a[$1] = $2; next } { printf "%s%s %.1f s", sep, $1, $2 - a[$1]; sep = ", " }' "$1" "$1.now"
}
