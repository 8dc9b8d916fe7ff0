#!/bin/sh
# Run by the nginx image's entrypoint (/docker-entrypoint.d) before nginx starts: renders the repository's
# deploy/nginx/annotator.conf (mounted at /etc/annotator/annotator.conf) into the only site, filling its placeholders
# the way scripts/cluster does: @LISTEN@ from $ANNOTATOR_LISTEN, @UPSTREAM_SERVERS@ one line per $ANNOTATOR_WEB_NODES entry.
set -eu
servers=""
for node in $ANNOTATOR_WEB_NODES; do
  servers="$servers    server $node max_fails=1 fail_timeout=10s;
"
done
awk -v s="$servers" -v l="$ANNOTATOR_LISTEN" '{ gsub(/@LISTEN@/, l); if ($0 ~ /@UPSTREAM_SERVERS@/) printf "%s", s; else print }' \
  /etc/annotator/annotator.conf >/etc/nginx/conf.d/default.conf
