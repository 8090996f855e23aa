# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# RabbitMQ 3.10 (Debian's) for a stack: node rabbit-<stack>@localhost, everything it writes
# (database, logs, config, Erlang cookie) inside .stack/<name>/rabbitmq, listeners on 127.0.0.1.
# The binaries in /usr/lib/rabbitmq/bin run as the invoking user (the /usr/sbin wrappers would
# switch to the `rabbitmq` user). epmd is shared by every node on the machine: never stopped here.

readonly RABBITMQ_BIN=/usr/lib/rabbitmq/bin

rabbitmq_paths() {
  RABBITMQ_DIR=$STACK_DIR/rabbitmq
  RABBITMQ_NODE=rabbit-$STACK_NAME@localhost
  RABBITMQ_PID_FILE=$STACK_RUN_DIR/rabbitmq.pid
  RABBITMQ_LOG=$STACK_LOG_DIR/rabbitmq.log
  # What points RabbitMQ's scripts at this stack's node and files. The server and the CLI
  # must share it (node name, and the Erlang cookie that the VM keeps in $HOME).
  RABBITMQ_ENV=(
    HOME="$RABBITMQ_DIR/home"
    RABBITMQ_NODENAME="$RABBITMQ_NODE"
    RABBITMQ_CONF_ENV_FILE=/dev/null
    RABBITMQ_CONFIG_FILE="$RABBITMQ_DIR/rabbitmq.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RABBITMQ_DIR/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$RABBITMQ_DIR/mnesia"
    RABBITMQ_LOG_BASE="$STACK_LOG_DIR/rabbitmq"
    RABBITMQ_PID_FILE="$RABBITMQ_PID_FILE"
    RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_CRASH_DUMP="$STACK_LOG_DIR/rabbitmq/erl_crash.dump"
  )
}

# rabbitmqctl against this stack's node, bounded in time.
rabbitmq_ctl() {
  timeout 180 env "${RABBITMQ_ENV[@]}" "$RABBITMQ_BIN/rabbitmqctl" -n "$RABBITMQ_NODE" "$@" </dev/null
}

rabbitmq_write_config() {
  mkdir -p "$RABBITMQ_DIR/home" "$RABBITMQ_DIR/mnesia" "$STACK_LOG_DIR/rabbitmq" "$STACK_RUN_DIR"
  # default_user/default_pass create the user on the node's first boot only.
  cat >"$RABBITMQ_DIR/rabbitmq.conf" <<CONF
# Written by scripts/lib/rabbitmq.sh at every start; edit the stack's env file instead.
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
default_user = $AMQP_USER
default_pass = $AMQP_PASSWORD
default_user_tags.administrator = true
loopback_users = none
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBITMQ_MANAGEMENT_PORT
log.console = false
log.file.level = info
CONF
  chmod 600 "$RABBITMQ_DIR/rabbitmq.conf"
  echo '[rabbitmq_management].' >"$RABBITMQ_DIR/enabled_plugins"
}

rabbitmq_status() {
  rabbitmq_paths
  if pid_file_alive "$RABBITMQ_PID_FILE"; then
    say "rabbitmq: running (pid $(pid_from_file "$RABBITMQ_PID_FILE"), node $RABBITMQ_NODE) on 127.0.0.1:$AMQP_PORT, management 127.0.0.1:$RABBITMQ_MANAGEMENT_PORT"
  else
    say "rabbitmq: stopped"
    return 1
  fi
}

# Waits until the node has booted with its plugins (`rabbitmqctl wait` on its pid file),
# giving up early when the launcher in pid file $1 exits first (a node that failed to boot).
rabbitmq_await_boot() {
  local launcher_pid_file=$1 waiter status=0
  rabbitmq_ctl wait --timeout 90 "$RABBITMQ_PID_FILE" >>"$RABBITMQ_LOG" 2>&1 &
  waiter=$!
  while process_alive "$waiter"; do
    if ! pid_file_alive "$launcher_pid_file"; then
      kill "$waiter" 2>/dev/null
      warn "rabbitmq: the node exited while starting"
      break
    fi
    sleep 0.2
  done
  wait "$waiter" || status=$?
  return "$status"
}

rabbitmq_start() {
  local launcher_pid_file
  rabbitmq_paths
  if pid_file_alive "$RABBITMQ_PID_FILE"; then
    say "rabbitmq: already running on 127.0.0.1:$AMQP_PORT"
    return 0
  fi
  require_free_port "rabbitmq (AMQP)" "$AMQP_PORT"
  require_free_port "rabbitmq (management)" "$RABBITMQ_MANAGEMENT_PORT"
  require_free_port "rabbitmq (distribution)" "$RABBITMQ_DIST_PORT"
  rabbitmq_write_config
  # The node writes its own pid (the Erlang VM's) to RABBITMQ_PID_FILE; the launcher's pid
  # (a shell that forwards signals to the VM) is only kept to notice an early exit.
  launcher_pid_file=$STACK_RUN_DIR/rabbitmq-launcher.pid
  spawn_background "$launcher_pid_file" "$RABBITMQ_LOG" \
    env "${RABBITMQ_ENV[@]}" "$RABBITMQ_BIN/rabbitmq-server"
  if ! rabbitmq_await_boot "$launcher_pid_file"; then
    print_log_tail "$RABBITMQ_LOG"
    print_log_tail "$STACK_LOG_DIR/rabbitmq/$RABBITMQ_NODE.log"
    stop_pid_files "$launcher_pid_file" >/dev/null
    die "rabbitmq: did not start"
  fi
  rm -f "$launcher_pid_file"
  say "rabbitmq: running on 127.0.0.1:$AMQP_PORT (node $RABBITMQ_NODE, management http://127.0.0.1:$RABBITMQ_MANAGEMENT_PORT)"
}

rabbitmq_stop() {
  rabbitmq_paths
  if ! pid_file_alive "$RABBITMQ_PID_FILE"; then
    say "rabbitmq: already stopped"
    return 0
  fi
  # `shutdown` stops the node and waits until its OS process has exited; signals if that fails.
  if rabbitmq_ctl shutdown >>"$RABBITMQ_LOG" 2>&1; then
    rm -f "$RABBITMQ_PID_FILE"
    say "rabbitmq: stopped"
  else
    warn "rabbitmq: rabbitmqctl shutdown failed: signalling the VM"
    stop_pid_files "$RABBITMQ_PID_FILE"
  fi
}
