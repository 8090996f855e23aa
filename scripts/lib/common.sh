# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# Shared helpers for the stack scripts: messages, pid files, background processes, waiting,
# URL parsing, and the Swift build configuration. Sourced by scripts/stack, scripts/up, scripts/test.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly REPO_ROOT

# Debian's Python: the project's Python needs the apt modules (aiosmtpd, yaml, jsonschema).
readonly SYSTEM_PYTHON=/usr/bin/python3

# Seconds a stopping process gets after SIGTERM before SIGKILL.
readonly STOP_GRACE_SECONDS=15

say() { printf '%s\n' "${STACK_NAME:+[$STACK_NAME] }$*"; }
warn() { printf '%s\n' "${STACK_NAME:+[$STACK_NAME] }warning: $*" >&2; }
die() {
  printf '%s\n' "${STACK_NAME:+[$STACK_NAME] }error: $*" >&2
  exit 1
}

# Prints the pid stored in pid file $1 (nothing when the file is missing or empty).
pid_from_file() {
  local pid_file=$1 pid=
  [[ -f $pid_file ]] && read -r pid <"$pid_file" 2>/dev/null
  [[ $pid =~ ^[0-9]+$ ]] && printf '%s\n' "$pid"
  return 0
}

# True when process $1 exists and is not a zombie (an exited child its parent has not reaped
# yet: orphans wait for init to reap them, which can take a while in some containers).
process_alive() {
  local pid=$1 stat
  kill -0 "$pid" 2>/dev/null || return 1
  # Not $(<file): under set -e, bash 5.2 exits the whole script when that file cannot be
  # opened (the process was reaped after kill -0), whatever `|| return 1` says.
  { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# True when the process recorded in pid file $1 is alive. A stale pid file is removed.
pid_file_alive() {
  local pid_file=$1 pid
  pid=$(pid_from_file "$pid_file")
  if [[ -n $pid ]] && process_alive "$pid"; then
    return 0
  fi
  rm -f "$pid_file"
  return 1
}

# Stops the processes recorded in pid files "$@" (each named after its file): SIGTERM to all,
# then SIGKILL to those still alive after the grace period. Removes the pid files.
stop_pid_files() {
  local file pid name deadline i signalled=() names=()
  for file in "$@"; do
    name=$(basename "$file" .pid)
    pid=$(pid_from_file "$file")
    if [[ -n $pid ]] && process_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      signalled+=("$pid")
      names+=("$name")
    else
      rm -f "$file"
      say "$name: already stopped"
    fi
  done
  deadline=$((${EPOCHREALTIME/./} + STOP_GRACE_SECONDS * 1000000))
  for i in "${!signalled[@]}"; do
    while process_alive "${signalled[i]}" && ((${EPOCHREALTIME/./} < deadline)); do sleep 0.1; done
    if process_alive "${signalled[i]}"; then
      warn "${names[i]} (pid ${signalled[i]}) ignored SIGTERM for ${STOP_GRACE_SECONDS}s: sending SIGKILL"
      kill -KILL "${signalled[i]}" 2>/dev/null || true
      while process_alive "${signalled[i]}"; do sleep 0.1; done
    fi
    say "${names[i]}: stopped (pid ${signalled[i]})"
  done
  for file in "$@"; do rm -f "$file"; done
}

# Starts "$@" in the background in a session of its own (so a Ctrl-C in the terminal that
# started it does not reach it), in the repository root, appending stdout and stderr to log
# file $2; writes its pid to pid file $1.
spawn_background() {
  local pid_file=$1 log_file=$2
  shift 2
  mkdir -p "$(dirname "$pid_file")" "$(dirname "$log_file")"
  printf '=== %s starting: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >>"$log_file"
  (cd "$REPO_ROOT" && exec setsid "$@" >>"$log_file" 2>&1 </dev/null) &
  printf '%s\n' "$!" >"$pid_file"
}

# Runs "$@" every 0.2 s until it succeeds or $1 seconds pass; $2 describes what is awaited.
# Returns 1 on timeout. While waiting on a process, set WAIT_PID so a dead process ends the wait.
wait_until() {
  local timeout=$1 what=$2 deadline
  shift 2
  deadline=$((${EPOCHREALTIME/./} + timeout * 1000000))
  until "$@" >/dev/null 2>&1; do
    if [[ -n ${WAIT_PID:-} ]] && ! process_alive "$WAIT_PID"; then
      warn "$what: the process exited while starting$(exit_status_note "$WAIT_PID")"
      return 1
    fi
    if ((${EPOCHREALTIME/./} >= deadline)); then
      warn "$what: not ready after ${timeout}s"
      return 1
    fi
    sleep 0.2
  done
}

# Prints " (exit status N)" when process $1 was a child of this shell and has exited.
exit_status_note() {
  local status=0
  wait "$1" 2>/dev/null || status=$?
  ((status == 127)) || printf ' (exit status %s)' "$status"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Fails with a clear message when 127.0.0.1:$2 is taken by something that is not ours ($1 names it).
require_free_port() {
  local name=$1 port=$2
  if port_open "$port"; then
    die "$name: port $port is already in use by another program (see: ss -ltnp 'sport = :$port')"
  fi
}

# Prints the last lines of log file $1 to stderr.
print_log_tail() {
  local log_file=$1 lines=${2:-50}
  [[ -f $log_file ]] || return 0
  printf -- '----- last %s lines of %s -----\n' "$lines" "$log_file" >&2
  tail -n "$lines" "$log_file" >&2
  printf -- '----- end of %s -----\n' "$log_file" >&2
}

# Sets URL_USER, URL_PASSWORD, URL_PORT and URL_PATH from URL $1 (scheme://[user[:password]@]host[:port][/path]).
parse_url() {
  local url=$1
  local re='^([a-z][a-z0-9+.-]*)://(([^:@/]*)(:([^@/]*))?@)?([^:/?#]+)(:([0-9]+))?(/([^?#]*))?'
  [[ $url =~ $re ]] || die "not a URL: $url"
  URL_USER=${BASH_REMATCH[3]}
  URL_PASSWORD=${BASH_REMATCH[5]}
  URL_PORT=${BASH_REMATCH[8]}
  URL_PATH=${BASH_REMATCH[10]}
}

# Stores the port of URL $2 (the value of setting $3) in variable $1; fails when it names none.
port_from_url() {
  local var=$1 url=$2 setting=$3
  [[ -n $url ]] || die "$setting is not set in $STACK_ENV_FILE"
  parse_url "$url"
  [[ -n $URL_PORT ]] || die "$setting has no explicit port: $url"
  printf -v "$var" '%s' "$URL_PORT"
}

# Swift lives in /opt/swift on these machines; a login shell may not have it on PATH.
if ! command -v swift >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then
  PATH=/opt/swift/usr/bin:$PATH
fi

# `swift build` / `swift test` flags for SWIFT_CONFIGURATION (debug by default, or release).
case ${SWIFT_CONFIGURATION:=debug} in
  debug | release) ;;
  *) die "SWIFT_CONFIGURATION must be debug or release, not '$SWIFT_CONFIGURATION'" ;;
esac
SWIFT_BUILD_FLAGS=(-c "$SWIFT_CONFIGURATION")
# What a release build adds for production, as the Dockerfile builds it: the Swift runtime and
# Foundation linked statically, and a section per Swift function, which the workers' link
# orders by workers/startup.order (Package.swift, workerLinkerSettings; scripts/startup-order).
PRODUCTION_SWIFT_BUILD_FLAGS=(--static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections)
