# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# Redis for a stack: its own directory, port and pid file, on 127.0.0.1 only.

redis_paths() {
  REDIS_DIR=$STACK_DIR/redis
  REDIS_PID_FILE=$STACK_RUN_DIR/redis.pid
  REDIS_LOG=$STACK_LOG_DIR/redis.log
}

redis_ping() {
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_status() {
  redis_paths
  if pid_file_alive "$REDIS_PID_FILE"; then
    say "redis: running (pid $(pid_from_file "$REDIS_PID_FILE")) on 127.0.0.1:$REDIS_PORT"
  else
    say "redis: stopped"
    return 1
  fi
}

redis_start() {
  local persistence
  redis_paths
  if pid_file_alive "$REDIS_PID_FILE"; then
    say "redis: already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  require_free_port redis "$REDIS_PORT"
  mkdir -p "$REDIS_DIR" "$STACK_RUN_DIR" "$STACK_LOG_DIR"
  if [[ $STACK_NAME == test ]]; then
    persistence=(--save '' --appendonly no) # the test stack's data is thrown away after each run
  else
    persistence=(--save '3600 1 300 100 60 10000' --appendonly no)
  fi
  # No config file: every setting is on the command line, so /etc/redis is never read.
  spawn_background "$REDIS_PID_FILE" "$REDIS_LOG" redis-server \
    --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --dir "$REDIS_DIR" \
    --daemonize no --logfile '' "${persistence[@]}"
  WAIT_PID=$(pid_from_file "$REDIS_PID_FILE") wait_until 30 "redis" redis_ping ||
    { print_log_tail "$REDIS_LOG"; die "redis: did not start"; }
  say "redis: running on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  redis_paths
  stop_pid_files "$REDIS_PID_FILE"
}
