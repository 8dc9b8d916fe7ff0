#!/usr/bin/env bash
# The files compose.yaml's secrets read, with random passwords; an existing file is kept.
set -euo pipefail
umask 077
dir="$(dirname "$0")/secrets"
mkdir -p "$dir"
secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
for name in admin-password db-password mq-password s3-secret-key; do
  [ -s "$dir/$name" ] || secret >"$dir/$name"
done
# The nodes' S3 credentials (AWS_SHARED_CREDENTIALS_FILE): MinIO's root user "annotator" and its password.
printf '[default]\naws_access_key_id = annotator\naws_secret_access_key = %s\n' "$(cat "$dir/s3-secret-key")" >"$dir/s3-credentials"
echo "secrets in $dir (the admin is \"admin\", its password in $dir/admin-password)"
