# shellcheck shell=bash disable=SC2034  # globals set here are read by the other scripts/lib files
# The shop's own processes: executables of the Swift package, each started in the background
# with the stack's settings plus HTTP_HOST/HTTP_PORT, then awaited on GET /health.

readonly SERVICE_PROCESSES=(accounts catalog cart orders emails)
readonly WORKER_PROCESSES=(checkout update-inventory clear-cart send-email)
# Start order: the services and the workers, then the gateway in front of them. Stop: reversed.
readonly ALL_PROCESSES=("${SERVICE_PROCESSES[@]}" "${WORKER_PROCESSES[@]}" gateway)

# Seconds a process gets to answer GET /health.
HEALTH_TIMEOUT=${STACK_HEALTH_TIMEOUT:-60}

# Replica counts per worker, from WORKER_REPLICAS and --scale (default 1).
declare -A WORKER_REPLICAS_BY_NAME=()

in_list() {
  local wanted=$1 item
  shift
  for item in "$@"; do [[ $item == "$wanted" ]] && return 0; done
  return 1
}

is_process() { in_list "$1" "${ALL_PROCESSES[@]}"; }
is_worker() { in_list "$1" "${WORKER_PROCESSES[@]}"; }

# Records a replica count given as NAME=COUNT (from --scale or WORKER_REPLICAS).
set_worker_replicas() {
  local spec=$1
  [[ $spec =~ ^([a-z-]+)=([0-9]+)$ ]] || die "bad replica count '$spec' (expected WORKER=COUNT, e.g. send-email=3)"
  is_worker "${BASH_REMATCH[1]}" || die "only workers have replicas, not '${BASH_REMATCH[1]}' (workers: ${WORKER_PROCESSES[*]})"
  ((BASH_REMATCH[2] >= 1)) || die "replica count must be at least 1: $spec"
  WORKER_REPLICAS_BY_NAME[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
}

# WORKER_REPLICAS="send-email=3,checkout=2" (commas or spaces) from the caller's environment.
read_worker_replicas_env() {
  local spec replicas=${WORKER_REPLICAS:-}
  for spec in ${replicas//,/ }; do set_worker_replicas "$spec"; done
}

# Workers given no count (--scale, WORKER_REPLICAS) keep as many replicas as they have now,
# counting stale pid files too, so `restart` keeps them and `start` revives crashed ones.
keep_current_replicas() {
  local name file highest
  for name in "$@"; do
    if ! is_worker "$name" || [[ -n ${WORKER_REPLICAS_BY_NAME[$name]:-} ]]; then continue; fi
    highest=1
    while IFS= read -r file; do
      replica_index "$name" "$file"
      ((REPLICA_INDEX > highest)) && highest=$REPLICA_INDEX
    done < <(instance_pid_files "$name")
    WORKER_REPLICAS_BY_NAME[$name]=$highest
  done
  return 0
}

# Sets PROCESS_PORT to the port of replica 1 of process $1, from the stack's settings.
process_base_port() {
  local name=$1 setting
  case $name in
    gateway) setting=GATEWAY_URL ;;
    accounts | catalog | cart | orders | emails) setting=${name^^}_URL ;;
    *)
      setting=${name^^}
      setting=${setting//-/_}_WORKER_PORT
      [[ ${!setting:-} =~ ^[0-9]+$ ]] || die "$setting is not set in $STACK_ENV_FILE"
      PROCESS_PORT=${!setting}
      return 0
      ;;
  esac
  port_from_url PROCESS_PORT "${!setting:-}" "$setting"
}

# Sets SHOP_BIN_DIR: SHOP_BIN_PATH when given, else where `swift build` puts the executables
# (debug, or release with SWIFT_CONFIGURATION=release).
resolve_bin_dir() {
  [[ -n ${SHOP_BIN_DIR:-} ]] && return 0
  if [[ -n ${SHOP_BIN_PATH:-} ]]; then
    SHOP_BIN_DIR=$SHOP_BIN_PATH
  else
    SHOP_BIN_DIR=$(cd "$REPO_ROOT" && swift build "${SWIFT_BUILD_FLAGS[@]}" --show-bin-path) ||
      die "swift build --show-bin-path failed"
  fi
}

# Launches replica $2 of process $1 unless it runs already (restarting it when its executable
# was rebuilt since); appends "instance port" to PENDING_INSTANCES for the health wait.
launch_instance() {
  local name=$1 replica=$2 instance=$1 port pid_file log_file executable
  ((replica > 1)) && instance=$name.$replica
  process_base_port "$name"
  port=$((PROCESS_PORT + 100 * (replica - 1)))
  pid_file=$STACK_RUN_DIR/$instance.pid
  log_file=$STACK_LOG_DIR/$instance.log
  executable=$SHOP_BIN_DIR/$name
  [[ -x $executable ]] || die "$name: no executable at $executable: build it first (swift build)"
  if pid_file_alive "$pid_file"; then
    if [[ $executable -nt $pid_file ]]; then
      say "$instance: executable rebuilt since it started: restarting"
      stop_pid_files "$pid_file"
    else
      say "$instance: already running on http://127.0.0.1:$port"
      return 0
    fi
  fi
  require_free_port "$instance" "$port"
  spawn_background "$pid_file" "$log_file" env HTTP_HOST=127.0.0.1 HTTP_PORT="$port" "$executable"
  PENDING_INSTANCES+=("$instance $port")
}

# Waits until instance $1 answers 200 on http://127.0.0.1:$2/health; on failure shows its log.
await_healthy() {
  local instance=$1 port=$2 pid_file=$STACK_RUN_DIR/$1.pid
  if ! WAIT_PID=$(pid_from_file "$pid_file") wait_until "$HEALTH_TIMEOUT" "$instance" \
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health"; then
    print_log_tail "$STACK_LOG_DIR/$instance.log" 50
    stop_pid_files "$pid_file" >/dev/null # not left running half-started
    die "$instance: no 200 from GET http://127.0.0.1:$port/health (log: $STACK_LOG_DIR/$instance.log)"
  fi
  say "$instance: healthy on http://127.0.0.1:$port (pid $(pid_from_file "$pid_file"))"
}

# Sets REPLICA_INDEX to the replica number of pid file $2 of process $1 (<name>.pid is replica 1,
# <name>.<k>.pid replica k).
replica_index() {
  local index=${2##*/"$1".}
  index=${index%.pid}
  [[ $index =~ ^[0-9]+$ ]] || index=1
  REPLICA_INDEX=$index
}

# Prints the pid files of every running or recorded instance of process $1.
instance_pid_files() {
  local name=$1 file
  for file in "$STACK_RUN_DIR/$name.pid" "$STACK_RUN_DIR/$name".[0-9]*.pid; do
    [[ -f $file ]] && printf '%s\n' "$file"
  done
  return 0
}

# Starts processes "$@" (all replicas), stops replicas beyond the count, then awaits every new instance.
processes_start() {
  local name replica replicas file item
  PENDING_INSTANCES=()
  resolve_bin_dir
  mkdir -p "$STACK_RUN_DIR" "$STACK_LOG_DIR"
  for name in "$@"; do
    replicas=${WORKER_REPLICAS_BY_NAME[$name]:-1}
    for ((replica = 1; replica <= replicas; replica++)); do
      launch_instance "$name" "$replica"
    done
    while IFS= read -r file; do
      replica_index "$name" "$file"
      ((REPLICA_INDEX <= replicas)) || stop_pid_files "$file"
    done < <(instance_pid_files "$name")
  done
  for item in "${PENDING_INSTANCES[@]}"; do
    await_healthy "${item% *}" "${item#* }"
  done
}

# Stops every instance of processes "$@" at once (SIGTERM to all, then wait).
processes_stop() {
  local name files=() found
  for name in "$@"; do
    mapfile -t found < <(instance_pid_files "$name")
    ((${#found[@]} > 0)) || say "$name: already stopped"
    files+=("${found[@]}")
  done
  ((${#files[@]} == 0)) || stop_pid_files "${files[@]}"
}

# Prints each process's running instances; returns 1 when any process has none.
processes_status() {
  local name file any all_running=0
  for name in "$@"; do
    any=
    while IFS= read -r file; do
      pid_file_alive "$file" || continue
      any=1
      say "$(basename "$file" .pid): running (pid $(pid_from_file "$file"))"
    done < <(instance_pid_files "$name")
    [[ -n $any ]] || { say "$name: stopped"; all_running=1; }
  done
  return "$all_running"
}
