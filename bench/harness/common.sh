# shellcheck shell=bash disable=SC2016,SC2034  # globals set here are read by the other harness files; jq and bash -c scripts are single-quoted on purpose
# What the benchmark parts share: where results go, the C tools, launching and stopping a
# worker outside scripts/stack, the management API, psql. Sourced by scripts/bench after
# scripts/lib/common.sh, with the `bench` stack's settings exported.

# The no-op worker's health port: next to the bench stack's four worker ports (13701-13704).
readonly NOOP_WORKER_PORT=${BENCH_NOOP_WORKER_PORT:-13705}
# Where the harness compiles the C tools (inside .build: never committed).
readonly BENCH_TOOLS_DIR=$REPO_ROOT/.build/bench-tools

bench_say() { printf '[bench] %s\n' "$*"; }
bench_step() { printf '\n== bench: %s\n' "$*"; }

# Compiles bench/raw-consumer.c and bench/raw-publisher.c with gcc against librabbitmq.
build_c_tools() {
  local tool
  mkdir -p "$BENCH_TOOLS_DIR"
  for tool in raw-consumer raw-publisher; do
    gcc -O2 -Wall -Wextra -Werror -o "$BENCH_TOOLS_DIR/$tool" "$REPO_ROOT/bench/$tool.c" -lrabbitmq ||
      die "gcc could not build bench/$tool.c (is librabbitmq-dev installed? scripts/install-deps)"
  done
}

raw_publisher() { "$BENCH_TOOLS_DIR/raw-publisher" "$@"; }
raw_consumer() { "$BENCH_TOOLS_DIR/raw-consumer" "$@"; }

# psql against the bench database, quiet, stopping at the first error.
bench_psql() {
  psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

# One value from a query.
bench_query() {
  bench_psql -At -c "$1"
}

# Removes every ready message from queue $1 (management API; a missing queue is fine).
purge_queue() {
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -u "$AMQP_USER:$AMQP_PASSWORD" -X DELETE \
    "$RABBITMQ_MANAGEMENT_URL/api/queues/%2F/$1/contents")
  [[ $status == 204 || $status == 404 ]] || die "cannot purge queue $1 (HTTP $status)"
}

# Fails unless queue $1 has no ready message (the check that a round left nothing behind).
require_empty_queue() {
  raw_publisher --expect-empty "$AMQP_URL" "$1" bench.ping 0 >/dev/null
}

# Starts executable $1 in the background (in the repository root, in a session of its own)
# with HTTP_PORT=$2, extra settings "${@:4}" (NAME=VALUE), stderr and stdout to log file $3.
# Just before exec, the launching shell writes its wall clock ($EPOCHREALTIME) to "$3.t0":
# the cold-start benchmark measures from there. Sets LAUNCHED_PID (and records it in
# LAUNCHED_PIDS, for stop_launched_workers).
LAUNCHED_PIDS=()
launch_worker() {
  local executable=$1 port=$2 log=$3
  shift 3
  : >"$log"
  (
    cd "$REPO_ROOT" || exit 1
    exec setsid env HTTP_HOST=127.0.0.1 HTTP_PORT="$port" "$@" BENCH_T0_FILE="$log.t0" \
      bash -c 'printf "%s\n" "$EPOCHREALTIME" >"$BENCH_T0_FILE"; exec "$0"' "$executable" >>"$log" 2>&1 </dev/null
  ) &
  LAUNCHED_PID=$!
  LAUNCHED_PIDS+=("$LAUNCHED_PID")
}

# Stops every worker this harness launched that still runs (after a failure, say).
stop_launched_workers() {
  local pid
  for pid in "${LAUNCHED_PIDS[@]}"; do
    process_alive "$pid" && stop_worker "$pid"
  done
  return 0
}

# Stops process $1 with SIGTERM (SIGKILL after the grace period) and reaps it.
stop_worker() {
  local pid=$1 deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((${EPOCHREALTIME/./} + STOP_GRACE_SECONDS * 1000000))
  while process_alive "$pid" && ((${EPOCHREALTIME/./} < deadline)); do sleep 0.05; done
  if process_alive "$pid"; then
    warn "pid $pid ignored SIGTERM: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# Waits until file $1 exists and is not empty, or $2 seconds pass (fails then); gives up
# early when process $3 exits.
await_file() {
  local file=$1 timeout=$2 pid=$3 deadline
  deadline=$((${EPOCHREALTIME/./} + timeout * 1000000))
  until [[ -s $file ]]; do
    process_alive "$pid" || { sleep 0.1; [[ -s $file ]] && return 0; warn "pid $pid exited early"; return 1; }
    ((${EPOCHREALTIME/./} < deadline)) || { warn "no $file after ${timeout}s"; return 1; }
    sleep 0.02
  done
}

# The queues.yaml the no-op worker reads: queue bench-noop with prefetch $1, concurrency $2
# (the rest from the defaults, as for any shop queue). Prints its path.
noop_queues_config() {
  local file=$BENCH_RESULTS/queues-noop-p$1-c$2.yaml
  cat >"$file" <<YAML
# Written by scripts/bench: the no-op worker's queue, declared like every shop queue.
queues:
  bench-noop:
    prefetch: $1
    concurrency: $2
YAML
  printf '%s\n' "$file"
}

# The median of the numbers on stdin (one per line).
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Appends a JSON line to results file $1 built from jq arguments "${@:2}" and filter.
record() {
  local file=$1
  shift
  jq -cn "$@" >>"$BENCH_RESULTS/$file"
}

# The load averages, for the record (the machines are shared).
load_average() {
  cut -d' ' -f1-3 /proc/loadavg
}

# Declares every queue the benchmarks use the way the shop does it: each worker declares its
# own queues (work, retry, dead) from its queues.yaml at start. Starts each of "$@" once,
# until it logs "consuming", and stops it.
declare_queues() {
  local worker port log settings
  for worker in "$@"; do
    settings=()
    case $worker in
      bench-noop-worker)
        port=$NOOP_WORKER_PORT
        settings=(QUEUES_CONFIG="$(noop_queues_config 16 "$BENCH_CONCURRENCY")")
        ;;
      *)
        port=${worker^^}
        port=${port//-/_}_WORKER_PORT
        port=${!port}
        ;;
    esac
    log=$BENCH_RESULTS/logs/declare-$worker.log
    launch_worker "$BENCH_BIN_DIR/$worker" "$port" "$log" LOG_LEVEL=info LOG_FORMAT=text "${settings[@]}"
    if ! WAIT_PID=$LAUNCHED_PID wait_until 60 "$worker" grep -q consuming "$log"; then
      stop_worker "$LAUNCHED_PID"
      print_log_tail "$log" 30
      die "$worker did not start consuming"
    fi
    stop_worker "$LAUNCHED_PID"
  done
}
