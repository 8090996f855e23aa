# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# PostgreSQL 15 for a stack: data in .stack/<name>/postgres, listening on 127.0.0.1:$PG_PORT,
# its socket inside .stack too. The role and database come from DATABASE_URL.

readonly PG_BIN=/usr/lib/postgresql/15/bin

postgres_paths() {
  PG_DIR=$STACK_DIR/postgres
  PG_DATA=$PG_DIR/data
  PG_SOCKET_DIR=$PG_DIR/socket
  PG_LOG=$STACK_LOG_DIR/postgres.log
}

# Runs "$@" as the owner of the data directory. PostgreSQL refuses to run as root, so under root
# that is the `postgres` user. When that user cannot reach the repository (a checkout under
# /root, mode 0700), it runs with CAP_DAC_READ_SEARCH only, which lets it look up paths it
# could not traverse; without root it is the invoking user.
as_postgres_owner() {
  if ((EUID != 0)); then
    (cd "$PG_DIR" && "$@")
  elif runuser -u postgres -- test -x "$PG_DIR"; then
    (cd "$PG_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_DIR" && setpriv --reuid=postgres --regid=postgres --init-groups \
      --inh-caps=+dac_read_search --ambient-caps=+dac_read_search -- "$@")
  fi
}

# Makes $PG_DIR's files owned by whoever runs the server.
postgres_own() {
  ((EUID == 0)) && chown -R postgres:postgres "$@"
  return 0
}

postgres_running() {
  postgres_paths
  [[ -f $PG_DATA/postmaster.pid ]] && as_postgres_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

postgres_status() {
  if postgres_running; then
    say "postgres: running (pid $(head -n 1 "$PG_DATA/postmaster.pid")) on 127.0.0.1:$PG_PORT"
  else
    say "postgres: stopped"
    return 1
  fi
}

# The stack's settings, rewritten at every start so a changed port in the env file takes effect.
postgres_write_config() {
  {
    echo "# Written by scripts/lib/postgres.sh at every start; edit the stack's env file instead."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$PG_SOCKET_DIR'"
    echo "max_connections = 300"
    if [[ $STACK_NAME == test ]]; then
      # Test stack only: its data is wiped before every run, so trade crash safety for speed.
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$PG_DATA/stack.conf"
  postgres_own "$PG_DATA/stack.conf"
}

postgres_init() {
  local socket_path="$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT"
  ((${#socket_path} < 108)) || die "postgres: socket path too long for a Unix socket (${#socket_path} > 107): $socket_path"
  say "postgres: creating a new cluster in $PG_DATA"
  mkdir -p "$PG_DATA" "$PG_SOCKET_DIR"
  postgres_own "$PG_DIR"
  chmod 700 "$PG_DATA"
  as_postgres_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
    { print_log_tail "$PG_LOG"; die "postgres: initdb failed"; }
  echo "include = 'stack.conf'" >>"$PG_DATA/postgresql.conf"
}

# Creates (or updates) DATABASE_URL's role and database, as the superuser over the socket.
# The role is a superuser, as POSTGRES_USER is in the official image that compose.yaml uses.
postgres_provision() {
  local quoted_password=${PG_PASSWORD//\\/\\\\}
  quoted_password=${quoted_password//\'/\'\'}
  as_postgres_owner "$PG_BIN/psql" -h "$PG_SOCKET_DIR" -p "$PG_PORT" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -q -X -v user="$PG_USER" -v db="$PG_DATABASE" >/dev/null <<SQL ||
\\set password '$quoted_password'
SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \\gexec
ALTER ROLE :"user" WITH LOGIN SUPERUSER PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
SQL
    die "postgres: could not create role '$PG_USER' and database '$PG_DATABASE'"
}

postgres_start() {
  postgres_paths
  if postgres_running; then
    say "postgres: already running on 127.0.0.1:$PG_PORT"
    return 0
  fi
  require_free_port postgres "$PG_PORT"
  mkdir -p "$STACK_LOG_DIR"
  touch "$PG_LOG"
  postgres_own "$PG_LOG"
  [[ -f $PG_DATA/PG_VERSION ]] || postgres_init
  postgres_write_config
  as_postgres_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null ||
    { print_log_tail "$PG_LOG"; die "postgres: did not start"; }
  postgres_provision
  say "postgres: running on 127.0.0.1:$PG_PORT (data $PG_DATA)"
}

postgres_stop() {
  postgres_paths
  if ! postgres_running; then
    say "postgres: already stopped"
    return 0
  fi
  # Fast shutdown (roll back open transactions, then exit cleanly), immediate if that hangs.
  if ! as_postgres_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$STOP_GRACE_SECONDS" stop >/dev/null; then
    warn "postgres: fast shutdown timed out: stopping immediately"
    as_postgres_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop >/dev/null
  fi
  say "postgres: stopped"
}
