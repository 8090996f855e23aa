# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# The mail catcher (mailhog/catcher): SMTP on $SMTP_PORT and MailHog's HTTP API on $MAIL_HTTP_PORT.

mail_paths() {
  MAIL_PID_FILE=$STACK_RUN_DIR/mail.pid
  MAIL_LOG=$STACK_LOG_DIR/mail.log
}

mail_ready() {
  port_open "$SMTP_PORT" &&
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$MAIL_HTTP_PORT/api/v2/messages?limit=1"
}

mail_status() {
  mail_paths
  if pid_file_alive "$MAIL_PID_FILE"; then
    say "mail: running (pid $(pid_from_file "$MAIL_PID_FILE")) SMTP 127.0.0.1:$SMTP_PORT, HTTP http://127.0.0.1:$MAIL_HTTP_PORT"
  else
    say "mail: stopped"
    return 1
  fi
}

mail_start() {
  mail_paths
  if pid_file_alive "$MAIL_PID_FILE"; then
    say "mail: already running on SMTP 127.0.0.1:$SMTP_PORT, HTTP 127.0.0.1:$MAIL_HTTP_PORT"
    return 0
  fi
  require_free_port "mail (SMTP)" "$SMTP_PORT"
  require_free_port "mail (HTTP)" "$MAIL_HTTP_PORT"
  spawn_background "$MAIL_PID_FILE" "$MAIL_LOG" \
    env PYTHONPATH="$REPO_ROOT/mailhog" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    "$SYSTEM_PYTHON" -m catcher "127.0.0.1:$SMTP_PORT" "127.0.0.1:$MAIL_HTTP_PORT"
  WAIT_PID=$(pid_from_file "$MAIL_PID_FILE") wait_until 30 mail mail_ready ||
    { print_log_tail "$MAIL_LOG"; die "mail: did not start"; }
  say "mail: running on SMTP 127.0.0.1:$SMTP_PORT, HTTP http://127.0.0.1:$MAIL_HTTP_PORT"
}

mail_stop() {
  mail_paths
  stop_pid_files "$MAIL_PID_FILE"
}
