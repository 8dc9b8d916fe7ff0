#!/usr/bin/env bash
# What each hostile upload costs the server (a benchmark, not a pass/fail test): per case of the hostile corpus
# (tests/Shared/Hostile) the upload's status and answer time, processing time, CPU seconds and peak RSS; an
# ordinary photo's wait while the worst accepted JPEG is processed; 20 uploads at once with 0 and 2,000 open
# live streams. Run against this tree and against an older commit, each server in Release on loopback.
#   bench/hostile.sh [after|before|both]     (default both)
# BEFORE_COMMIT (d709dd2, the last commit before the hostile-input work) is checked out as a throw-away
# git worktree under /tmp, built there, and removed at the end. CASE_TIMEOUT (180 s) ends a case that runs
# longer: the server is killed and a new one takes the next case. The ceiling needs ab (apache2-utils).
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-both}
before_commit=${BEFORE_COMMIT:-d709dd2}
timeout=${CASE_TIMEOUT:-180}
listeners=${LISTENERS:-0,2000}
ceiling=${CEILING:-../shared/ceiling/measure}
testdata=${ANNOTATOR_TESTDATA:-$PWD/tests/testdata}
server_dll=src/Annotator.Server/bin/Release/net10.0/Annotator.Server.dll
bench_dll=bench/Annotator.Bench.Hostile/bin/Release/net10.0/Annotator.Bench.Hostile.dll
tree=""
cleanup() { if [ -n "$tree" ]; then git worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"; fi; }
trap cleanup EXIT

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(uname -r), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build -c Release src/Annotator.Server >/dev/null
dotnet build -c Release bench/Annotator.Bench.Hostile >/dev/null

# The machine's ceiling in the same run (bare ASP.NET Core, same ab lines as bench/load.sh), for context.
if [ -x "$ceiling" ] && ! command -v ab >/dev/null; then
  echo "-- ceiling: not measured, ab is missing (apt-get install apache2-utils)"
elif [ -x "$ceiling" ]; then
  echo "-- ceiling (bare ASP.NET Core), load $(cut -d' ' -f1-3 /proc/loadavg)"
  "$ceiling" 5801 22051 "$testdata/images/nikon-gps.jpg" 2>&1 | sed 's/^/ceiling /' || echo "ceiling: measure failed"
else
  echo "-- ceiling: $ceiling not found on this machine: not measured"
fi

if [ "$what" = after ] || [ "$what" = both ]; then
  echo
  echo "## after: this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes in src'))"
  dotnet "$bench_dll" --server "$server_dll" --parts cases,normal,listeners --timeout "$timeout" --listeners "$listeners" --testdata "$testdata"
fi

if [ "$what" = before ] || [ "$what" = both ]; then
  tree=$(mktemp -d /tmp/annotator-before.XXXX)
  git worktree add --detach "$tree" "$before_commit" >/dev/null 2>&1
  (cd "$tree" && dotnet build -c Release src/Annotator.Server >/dev/null)
  echo
  echo "## before: $(git log -1 --format='%h %s' "$before_commit")"
  # The cases and the streams only: the ordinary photo's wait asks about the new scheduler, and the old
  # build's run is long enough already (its 2,647-scan JPEG alone takes about 90 CPU-seconds).
  dotnet "$bench_dll" --server "$tree/$server_dll" --parts cases,listeners --timeout "$timeout" --listeners "$listeners" --testdata "$testdata"
fi
