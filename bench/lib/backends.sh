# shellcheck shell=bash
# The servers the scale-out shape shares, started by scripts/services for the run and stopped after it; a new
# database, bucket and (RabbitMQ) vhost for each pair of nodes; the catalog engine's own counters.
# Sourced by bench/load.sh; CATALOG=postgres|mysql, EVENTS=inprocess|rabbitmq.

backend_env=()   # the nodes' settings for the shared servers
services_dir=""

start_services() {
  # A folder of its own in /tmp, not under $work: the PostgreSQL user must reach its part (scripts/services opens
  # the folder to it, not the one above). stop_services removes it, also when start fails half way.
  services_dir=$(mktemp -d /tmp/annotator-load-services.XXXX)
  ANNOTATOR_SERVICES_DIR=$services_dir scripts/services start >"$work/services.out" 2>&1 \
    || { cat "$work/services.out"; exit 1; }
  eval "$(ANNOTATOR_SERVICES_DIR=$services_dir scripts/services env)"
  unset ANNOTATOR_TEST_SERVICES
}

stop_services() {
  [ -n "$services_dir" ] || return 0
  ANNOTATOR_SERVICES_DIR=$services_dir scripts/services stop >/dev/null 2>&1 || true
  rm -rf "$services_dir"
  services_dir=""
}

part() { tr ';' '\n' <<<"$1" | sed -n "s/^$2=//p"; } # CONNECTION-STRING KEY -> value

# The engines' own clients, as the annotator user of scripts/services, on the server's administrative database.
pg() {
  local c=$ANNOTATOR_TEST_POSTGRES
  PGPASSWORD=$(part "$c" Password) psql -X -Atq -v ON_ERROR_STOP=1 -h "$(part "$c" Host)" -p "$(part "$c" Port)" \
    -U "$(part "$c" Username)" -d postgres "$@"
}
my() {
  local c=$ANNOTATOR_TEST_MYSQL
  MYSQL_PWD=$(part "$c" Password) mariadb --no-defaults -N -B -h "$(part "$c" Server)" -P "$(part "$c" Port)" \
    -u "$(part "$c" 'User ID')" "$@"
}
rabbit_api() { # METHOD PATH [JSON]: the RabbitMQ management API as the run's user
  local creds=${ANNOTATOR_TEST_RABBITMQ#amqp://}; creds=${creds%%@*}
  curl -fsS -o /dev/null -u "$creds" -X "$1" -H 'content-type: application/json' ${3:+--data "$3"} \
    "$ANNOTATOR_TEST_RABBITMQ_MANAGEMENT/api/$2"
}

# fresh_backends: a new database on the catalog engine, a new bucket, a new vhost; sets backend_env and $db.
# log_statements=1: PostgreSQL logs every statement run on the new database (for catalog_counters; the cost part).
fresh_backends() {
  db=bench_$(date +%H%M%S)_$RANDOM
  local c bucket=${db//_/-}
  case $CATALOG in
    postgres)
      c=$ANNOTATOR_TEST_POSTGRES
      pg -c "CREATE DATABASE $db"
      [ -z "${log_statements:-}" ] || pg -c "ALTER DATABASE $db SET log_statement = 'all'"
      backend_env=(Annotator__Catalog__Provider=postgres
        "Annotator__Catalog__ConnectionString=Host=$(part "$c" Host);Port=$(part "$c" Port);Database=$db;Username=$(part "$c" Username);Password=$(part "$c" Password)") ;;
    mysql)
      c=$ANNOTATOR_TEST_MYSQL
      my -e "CREATE DATABASE $db"
      backend_env=(Annotator__Catalog__Provider=mysql
        "Annotator__Catalog__ConnectionString=Server=$(part "$c" Server);Port=$(part "$c" Port);Database=$db;User ID=$(part "$c" 'User ID');Password=$(part "$c" Password)") ;;
    *) echo "CATALOG is '$CATALOG', not postgres or mysql"; exit 2 ;;
  esac
  # s3rver creates a bucket on an unsigned PUT (it checks no signature), so no AWS client is needed here.
  curl -fsS -o /dev/null -X PUT "$ANNOTATOR_TEST_S3/$bucket"
  backend_env+=(Annotator__Storage__Provider=s3 "Annotator__Storage__S3__ServiceUrl=$ANNOTATOR_TEST_S3"
    "Annotator__Storage__S3__Bucket=$bucket" Annotator__Storage__S3__ForcePathStyle=true
    AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER)
  case $EVENTS in
    inprocess) backend_env+=(Annotator__Events__Provider=inprocess) ;;
    rabbitmq)
      local user=${ANNOTATOR_TEST_RABBITMQ#amqp://}; user=${user%%:*}
      rabbit_api PUT "vhosts/$db"
      rabbit_api PUT "permissions/$db/$user" '{"configure":".*","write":".*","read":".*"}'
      backend_env+=(Annotator__Events__Provider=rabbitmq "Annotator__Events__RabbitMq__Uri=${ANNOTATOR_TEST_RABBITMQ%/}/$db") ;;
    *) echo "EVENTS is '$EVENTS', not inprocess or rabbitmq"; exit 2 ;;
  esac
}

shared_servers() { # the servers of scripts/services this run's nodes use
  [ -n "$services_dir" ] || return 0
  case $CATALOG in postgres) echo postgres ;; mysql) echo mariadb ;; esac
  [ "$EVENTS" != rabbitmq ] || echo rabbitmq
  echo s3
}

drop_backends() { # the objects and queues go with the services' folder at the end; the database goes now
  [ -n "${db:-}" ] || return 0
  case $CATALOG in
    postgres) pg -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true ;;
    mysql) my -e "DROP DATABASE IF EXISTS $db" || true ;;
  esac
  [ "$EVENTS" != rabbitmq ] || rabbit_api DELETE "vhosts/$db" || true
  db=""
}

# catalog_counters: the engine's own counters for the run's database, one "name value" a line.
#   postgres: pg_stat_database (transactions, rows), rows read per table by sequential and by index scans
#             (pg_stat_user_tables: this reading's own session is one transaction more, and logs nothing), and the statements the server logged for this
#             database (log_statement = all, set on it by the cost part): a "statement:"/"execute …:" line each
#   mysql:    SHOW GLOBAL STATUS (the server is this run's alone; each reading adds 1 to Questions)
catalog_counters() {
  case $CATALOG in
    postgres)
      pg -F' ' -c "SELECT 'transactions', xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rollbacks', xact_rollback FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rows_returned', tup_returned FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rows_fetched', tup_fetched FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rows_inserted', tup_inserted FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rows_updated', tup_updated FROM pg_stat_database WHERE datname = '$db'
        UNION ALL SELECT 'rows_deleted', tup_deleted FROM pg_stat_database WHERE datname = '$db'"
      PGOPTIONS="-c log_statement=none" pg -d "$db" -F' ' -c "SELECT 'seq_read_' || relname, seq_tup_read FROM pg_stat_user_tables
        UNION ALL SELECT 'index_read_' || relname, coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables ORDER BY 1"
      awk '
        match($0, /LOG:  (statement|execute [^:]*): +/) {
          word = tolower(substr($0, RSTART + RLENGTH)); sub(/[^a-z].*/, "", word)
          n++; if (word ~ /^(select|insert|update|delete|with|begin|commit|rollback)$/) kind[word]++; else kind["other"]++
        }
        END { print "statements", n + 0; for (k in kind) print "statements_" k, kind[k] }' "$services_dir/postgres.log"
      echo "log_bytes $(stat -c %s "$services_dir/postgres.log")" ;;
    mysql)
      my -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Questions', 'Com_begin', 'Com_commit', 'Com_rollback',
        'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_stmt_execute')" | tr 'A-Z\t' 'a-z ' ;;
  esac
}

# per_image N IDLE RUN C0 C1 C2: a table of each counter per image, from three readings (catalog_counters, or any
# "name value" lines): C0 and C1 IDLE seconds apart with the nodes idle, C2 RUN seconds after C1 with N images done
# in between; the idle rate is taken out ("per image"), "gross" keeps it.
per_image() {
  awk -v n="$1" -v idle="$2" -v run="$3" '
    FILENAME == ARGV[1] { a[$1] = $2 } FILENAME == ARGV[2] { b[$1] = $2 } FILENAME == ARGV[3] { c[$1] = $2; order[++k] = $1 }
    END {
      printf "  %-28s %10s %10s %10s\n", "counter", "per image", "gross", "idle/s"
      for (i = 1; i <= k; i++) {
        name = order[i]; if (name == "log_bytes" || a[name] + b[name] + c[name] == 0) continue
        rate = (b[name] - a[name]) / idle; gross = c[name] - b[name]
        printf "  %-28s %10.1f %10.1f %10.1f\n", name, (gross - rate * run) / n, gross / n, rate
      }
    }' "$4" "$5" "$6"
}

analyze_catalog() { # statistics for the planner on every table of the run's database (not logged; before any reading)
  case $CATALOG in
    postgres) PGOPTIONS="-c log_statement=none" pg -d "$db" -c "ANALYZE" ;;
    mysql) my -e "SELECT CONCAT('ANALYZE TABLE \`', table_name, '\`;') FROM information_schema.tables WHERE table_schema = '$db'" |
      my "$db" >/dev/null ;;
  esac
}

# statement_mix FROM TO N: the statements PostgreSQL logged between two byte offsets of its log, by what they
# are (their first words), per image, most frequent first.
statement_mix() {
  tail -c +"$(($1 + 1))" "$services_dir/postgres.log" | head -c "$(($2 - $1))" | awk -v n="$3" '
    match($0, /LOG:  (statement|execute [^:]*): +/) {
      text = substr($0, RSTART + RLENGTH); gsub(/[ \t]+/, " ", text); count[substr(text, 1, 72)]++
    }
    END { for (t in count) printf "  %7.2f  %s\n", count[t] / n, t }' | sort -rn
}
