# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# A stack's settings: which env file defines it, loading that file, and the ports derived from it.

# Prints the env file that defines stack $1: `dev` reads .env when present, else .env.example;
# any other stack reads scripts/stacks/<name>.env.
stack_env_file() {
  local name=$1
  if [[ $name == dev ]]; then
    if [[ -f $REPO_ROOT/.env ]]; then
      printf '%s\n' "$REPO_ROOT/.env"
    else
      printf '%s\n' "$REPO_ROOT/.env.example"
    fi
  else
    printf '%s\n' "$REPO_ROOT/scripts/stacks/$name.env"
  fi
}

# Exports the settings of env file $1 and appends their names to STACK_KEYS. The file is read
# the way docker compose reads an env file: `KEY=VALUE` lines, `#` comments and blank lines
# skipped, one pair of surrounding quotes removed, nothing expanded (so
# `MAIL_FROM=Shop <shop@example.com>` is a plain value, not a shell redirection).
export_env_file() {
  local file=$1 line key value
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ ! $line =~ ^[[:space:]]*(export[[:space:]]+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      die "$file: not a KEY=VALUE line: $line"
    fi
    key=${BASH_REMATCH[2]}
    value=${BASH_REMATCH[3]}
    if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then
      value=${BASH_REMATCH[1]}
    fi
    export "$key=$value"
    STACK_KEYS+=("$key")
  done <"$file"
}

# Loads stack $1: exports every setting of its env file (the file wins over the caller's
# environment, so a shell set up for one stack cannot leak into another) and sets the
# STACK_* paths and the *_PORT globals the server and process helpers use.
load_stack() {
  STACK_NAME=$1
  [[ $STACK_NAME =~ ^[a-z][a-z0-9-]*$ ]] || die "bad stack name '$STACK_NAME' (expected dev, test, ...)"
  STACK_ENV_FILE=$(stack_env_file "$STACK_NAME")
  [[ -f $STACK_ENV_FILE ]] || die "no env file for stack '$STACK_NAME': $STACK_ENV_FILE"

  STACK_KEYS=()
  export_env_file "$STACK_ENV_FILE"

  # How the Swift tests (and anyone else) stop, start and restart parts of this stack:
  # `/bin/sh -c "$SHOP_STACK_COMMAND restart rabbitmq"` (the path is shell-quoted when needed).
  printf -v SHOP_STACK_COMMAND '%q %q' "$REPO_ROOT/scripts/stack" "$STACK_NAME"
  export SHOP_STACK_COMMAND
  STACK_KEYS+=(SHOP_STACK_COMMAND)

  STACK_DIR=$REPO_ROOT/.stack/$STACK_NAME
  # Where the stack keeps its data, logs and pid files, for the tests (StackControl).
  export SHOP_STACK_DIR=$STACK_DIR
  STACK_KEYS+=(SHOP_STACK_DIR)
  STACK_LOG_DIR=$STACK_DIR/logs
  STACK_RUN_DIR=$STACK_DIR/run

  port_from_url PG_PORT "${DATABASE_URL:-}" DATABASE_URL
  PG_USER=$URL_USER PG_PASSWORD=$URL_PASSWORD PG_DATABASE=$URL_PATH
  [[ -n $PG_USER && -n $PG_PASSWORD && -n $PG_DATABASE ]] ||
    die "DATABASE_URL must name a user, a password and a database: postgres://USER:PASSWORD@127.0.0.1:PORT/DB"
  port_from_url REDIS_PORT "${REDIS_URL:-}" REDIS_URL
  port_from_url AMQP_PORT "${AMQP_URL:-}" AMQP_URL
  AMQP_USER=${URL_USER:-guest} AMQP_PASSWORD=${URL_PASSWORD:-guest}
  port_from_url RABBITMQ_MANAGEMENT_PORT "${RABBITMQ_MANAGEMENT_URL:-}" RABBITMQ_MANAGEMENT_URL
  [[ ${RABBITMQ_DIST_PORT:-} =~ ^[0-9]+$ ]] || die "RABBITMQ_DIST_PORT is not set in $STACK_ENV_FILE"
  port_from_url SMTP_PORT "${SMTP_URL:-}" SMTP_URL
  port_from_url MAIL_HTTP_PORT "${MAILHOG_URL:-}" MAILHOG_URL
}

# Prints the stack's settings as shell `export` lines, for `eval "$(scripts/stack test env)"`.
print_stack_env() {
  local key
  for key in "${STACK_KEYS[@]}"; do
    printf 'export %s=%q\n' "$key" "${!key}"
  done
}
