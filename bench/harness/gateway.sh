# shellcheck shell=bash disable=SC2016  # jq programs are single-quoted on purpose
# Benchmark 4 (issue 5): the gateway against nginx. wrk drives three targets with the same
# settings (connections, threads, duration, keep-alive): (a) the upstream directly, (b)
# Debian's nginx as a reverse proxy to it (bench/gateway/proxy.conf), (c) the gateway, on the
# same route. Two upstreams: the catalog's GET /products/<id> (a real shop read, served from
# its Redis cache) and a second nginx answering a fixed small JSON body
# (bench/gateway/static.conf), which isolates the proxies' own cost. Rounds rotate the order
# of the targets. Besides wrk's figures, each run records the CPU time the proxy and the
# upstream used (/proc/<pid>/stat), per request. Results: gateway.jsonl, one line per run.
#
# nginx runs in the foreground (daemon off) on ports of its own, with its prefix, pid file,
# logs and temp directories under .stack/<stack>/nginx/; the system's nginx service is never
# touched. wrk and nginx-light come from Debian: installed on demand (scripts/install-deps bench).

# BENCH_GATEWAY_CONNECTIONS may be set empty: only the fixed-rate runs (BENCH_GATEWAY_RATES).
: "${BENCH_GATEWAY_UPSTREAMS:=catalog static}" "${BENCH_GATEWAY_CONNECTIONS=16 64}" "${BENCH_GATEWAY_THREADS:=2}"
: "${BENCH_GATEWAY_SECONDS:=10}" "${BENCH_GATEWAY_ROUNDS:=5}" "${BENCH_GATEWAY_WARMUP_SECONDS:=3}"
: "${BENCH_GATEWAY_RATES:=}" "${BENCH_GATEWAY_RATE_CONNECTIONS:=16}" "${BENCH_GATEWAY_ARRIVALS:=random}"
: "${BENCH_GATEWAY_LOG_LEVEL:=info}" "${BENCH_GATEWAY_LOG_FORMAT:=json}" "${BENCH_GATEWAY_PORT_BASE:=}" "${BENCH_GATEWAY_PROFILE:=}" "${BENCH_GATEWAY_PROFILE_SECONDS:=20}"
: "${BENCH_GATEWAY_CALLGRIND_CONNECTIONS:=8}" "${BENCH_GATEWAY_CALLGRIND_OPTIONS:=}"

# The product the catalog route reads (bench/gateway/product.sql).
readonly GATEWAY_BENCH_PRODUCT=b0000000-0000-4000-8000-000000000005
readonly GATEWAY_TARGETS=(direct nginx gateway)
CLOCK_TICKS=$(getconf CLK_TCK)
readonly CLOCK_TICKS

# The gateway part's settings for the run's command line (nothing unless "$@" names gateway).
gateway_settings() {
  [[ " $* " == *" gateway "* ]] || return 0
  printf " BENCH_GATEWAY_UPSTREAMS='%s' BENCH_GATEWAY_CONNECTIONS='%s' BENCH_GATEWAY_THREADS=%s BENCH_GATEWAY_SECONDS=%s BENCH_GATEWAY_ROUNDS=%s BENCH_GATEWAY_WARMUP_SECONDS=%s%s%s%s" \
    "$BENCH_GATEWAY_UPSTREAMS" "$BENCH_GATEWAY_CONNECTIONS" "$BENCH_GATEWAY_THREADS" "$BENCH_GATEWAY_SECONDS" \
    "$BENCH_GATEWAY_ROUNDS" "$BENCH_GATEWAY_WARMUP_SECONDS" \
    "${BENCH_GATEWAY_RATES:+ BENCH_GATEWAY_RATES='$BENCH_GATEWAY_RATES' BENCH_GATEWAY_RATE_CONNECTIONS=$BENCH_GATEWAY_RATE_CONNECTIONS BENCH_GATEWAY_ARRIVALS=$BENCH_GATEWAY_ARRIVALS}" \
    " BENCH_GATEWAY_LOG_LEVEL=$BENCH_GATEWAY_LOG_LEVEL BENCH_GATEWAY_LOG_FORMAT=$BENCH_GATEWAY_LOG_FORMAT" \
    "${BENCH_GATEWAY_PROFILE:+ BENCH_GATEWAY_PROFILE='$BENCH_GATEWAY_PROFILE' BENCH_GATEWAY_PROFILE_SECONDS=$BENCH_GATEWAY_PROFILE_SECONDS}"
  if [[ $BENCH_GATEWAY_PROFILE == *callgrind* ]]; then
    printf " BENCH_GATEWAY_CALLGRIND_CONNECTIONS=%s%s" "$BENCH_GATEWAY_CALLGRIND_CONNECTIONS" \
      "${BENCH_GATEWAY_CALLGRIND_OPTIONS:+ BENCH_GATEWAY_CALLGRIND_OPTIONS='$BENCH_GATEWAY_CALLGRIND_OPTIONS'}"
  fi
}

# wrk and nginx, from Debian, when missing: only this part needs them (not the tests, not CI).
gateway_tools() {
  if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    bench_say "installing wrk and nginx-light (scripts/install-deps bench)"
    "$REPO_ROOT/scripts/install-deps" bench
  fi
  if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    die "wrk or nginx missing after scripts/install-deps bench"
  fi
}

# Ports and URLs: GW_CATALOG_PORT, GW_GATEWAY_PORT, GW_STATIC_PORT, GW_PROXY_PORT.
gateway_ports() {
  port_from_url GW_CATALOG_PORT "$CATALOG_URL" CATALOG_URL
  port_from_url GW_GATEWAY_PORT "$GATEWAY_URL" GATEWAY_URL
  local base=${BENCH_GATEWAY_PORT_BASE:-$((GW_GATEWAY_PORT + 40))}
  GW_STATIC_PORT=$base
  GW_PROXY_PORT=$((base + 1))
}

# The URL of upstream $1 through target $2.
gateway_url() {
  local upstream=$1 target=$2 path port
  case $upstream in
    catalog) path=/products/$GATEWAY_BENCH_PRODUCT ;;
    static) path=/bench-static/item ;;
    *) die "unknown gateway upstream '$upstream' (catalog, static)" ;;
  esac
  case $target in
    direct) [[ $upstream == catalog ]] && port=$GW_CATALOG_PORT || port=$GW_STATIC_PORT ;;
    nginx) port=$GW_PROXY_PORT ;;
    gateway) port=$GW_GATEWAY_PORT ;;
  esac
  printf 'http://127.0.0.1:%s%s\n' "$port" "$path"
}

# Starts "${@:2}" in the background in a session of its own, output to log file $1; sets
# LAUNCHED_PID and records it for stop_launched_workers (nginx is stopped like a worker).
launch_process() {
  local log=$1
  shift
  (cd "$REPO_ROOT" && exec setsid "$@" >>"$log" 2>&1 </dev/null) &
  LAUNCHED_PID=$!
  LAUNCHED_PIDS+=("$LAUNCHED_PID")
}

# Starts nginx instance $1 (static or proxy) from bench/gateway/$1.conf on port $2, the
# template's other @NAME@s from "${@:3}" (NAME=VALUE). Sets GW_<NAME>_PID (its master).
start_nginx() {
  local name=$1 port=$2 prefix conf pair pid
  shift 2
  prefix=$STACK_DIR/nginx/$name
  conf=$prefix/nginx.conf
  # An nginx an interrupted run left behind (its pid file) is stopped first.
  pid=$(pid_from_file "$prefix/nginx.pid")
  [[ -n $pid ]] && process_alive "$pid" && stop_worker "$pid"
  require_free_port "nginx $name" "$port"
  rm -rf "$prefix"
  mkdir -p "$prefix/logs" "$prefix/temp"
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@PORT@|$port|g" "$REPO_ROOT/bench/gateway/$name.conf" >"$conf"
  for pair in "$@"; do
    sed -i "s|@${pair%%=*}@|${pair#*=}|g" "$conf"
  done
  ! grep -q '@[A-Z_]*@' "$conf" || die "$conf: a template value is missing: $(grep -o '@[A-Z_]*@' "$conf" | head -n 1)"
  nginx -p "$prefix" -c "$conf" -e "$prefix/logs/error.log" -t -q || die "nginx $name: invalid configuration $conf"
  launch_process "$BENCH_RESULTS/logs/nginx-$name.log" nginx -p "$prefix" -c "$conf" -e "$prefix/logs/error.log"
  printf -v "GW_${name^^}_PID" '%s' "$LAUNCHED_PID"
  if ! WAIT_PID=$LAUNCHED_PID wait_until 30 "nginx $name" port_open "$port"; then
    print_log_tail "$prefix/logs/error.log" 30
    die "nginx $name did not start on port $port"
  fi
  bench_say "nginx $name on 127.0.0.1:$port (pid $LAUNCHED_PID)"
}

# Starts Swift executable $1 on port $2 (settings "${@:3}"), waits for its /health. Sets LAUNCHED_PID.
start_shop_process() {
  local name=$1 port=$2 log=$BENCH_RESULTS/logs/gateway-bench-$1.log
  shift 2
  require_free_port "$name" "$port"
  launch_worker "$BENCH_BIN_DIR/$name" "$port" "$log" "$@"
  if ! WAIT_PID=$LAUNCHED_PID wait_until 60 "$name" curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/health"; then
    print_log_tail "$log" 30
    die "$name did not answer /health on port $port"
  fi
  bench_say "$name on 127.0.0.1:$port (pid $LAUNCHED_PID)"
}

# The CPU time (clock ticks) of processes "$@" so far, as "user system".
cpu_ticks() {
  local pid stat user=0 system=0 fields
  for pid in "$@"; do
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || continue
    read -ra fields <<<"${stat##*) }"
    user=$((user + fields[11]))
    system=$((system + fields[12]))
  done
  printf '%s %s\n' "$user" "$system"
}

# The write system calls (`syscw`: write, writev), voluntary context switches (each a sleep
# until woken: an idle event loop's wake-up) and involuntary ones (preempted while it had work)
# of processes "$@" so far, as "writes switches preemptions". (Reads are not comparable:
# nginx's `recv` is not counted in `syscr`, NIO's `read` is.)
io_counts() {
  local pid task key value writes=0 switches=0 preemptions=0
  for pid in "$@"; do
    while read -r key value; do
      [[ $key == syscw: ]] && writes=$((writes + value))
    done <"/proc/$pid/io" 2>/dev/null || true
    for task in "/proc/$pid/task/"*/status; do
      while read -r key value; do
        case $key in
          voluntary_ctxt_switches:) switches=$((switches + value)) ;;
          nonvoluntary_ctxt_switches:) preemptions=$((preemptions + value)) ;;
        esac
      done <"$task" 2>/dev/null || true
    done
  done
  printf '%s %s %s\n' "$writes" "$switches" "$preemptions"
}

# The processes doing target $1's proxying, and upstream $2's serving (nginx: its workers).
proxy_pids() {
  case $1 in
    direct) ;;
    nginx) pgrep -P "$GW_PROXY_PID" ;;
    gateway) printf '%s\n' "$GW_GATEWAY_PID" ;;
  esac
}
upstream_pids() {
  case $1 in
    catalog) printf '%s\n' "$GW_CATALOG_PID" ;;
    static) pgrep -P "$GW_STATIC_PID" ;;
  esac
}

# One wrk run of upstream $1 through target $2 for $3 seconds with $5 connections; round $4
# (0: a warm-up, not recorded); with $6 (requests per second, all connections together), a
# fixed rate instead of as fast as the target answers.
gateway_run() {
  local upstream=$1 target=$2 seconds=$3 round=$4 connections=$5 rate=${6:-0} url output json proxy=() serving=()
  local user0 system0 serving0 user1 system1 serving1 _ writes0 switches0 preemptions0 writes1 switches1 preemptions1
  local pace=()
  ((rate > 0)) && pace=(env BENCH_WRK_DELAY_MS=$(((connections * 1000 + rate / 2) / rate)) BENCH_WRK_ARRIVALS="$BENCH_GATEWAY_ARRIVALS")
  url=$(gateway_url "$upstream" "$target")
  mapfile -t proxy < <(proxy_pids "$target")
  mapfile -t serving < <(upstream_pids "$upstream")
  read -r user0 system0 < <(cpu_ticks "${proxy[@]}")
  read -r serving0 _ < <(cpu_ticks "${serving[@]}" | awk '{ print $1 + $2 }')
  read -r writes0 switches0 preemptions0 < <(io_counts "${proxy[@]}")
  output=$("${pace[@]}" wrk -t "$BENCH_GATEWAY_THREADS" -c "$connections" -d "${seconds}s" --timeout 5s \
    -s "$REPO_ROOT/bench/gateway/report.lua" "$url" 2>&1) || { printf '%s\n' "$output" >&2; die "wrk failed on $url"; }
  read -r user1 system1 < <(cpu_ticks "${proxy[@]}")
  read -r serving1 _ < <(cpu_ticks "${serving[@]}" | awk '{ print $1 + $2 }')
  read -r writes1 switches1 preemptions1 < <(io_counts "${proxy[@]}")
  printf '%s\n' "$output" >"$BENCH_RESULTS/logs/wrk-$upstream-c$connections-rate$rate-$target-r$round.txt"
  json=$(sed -n 's/^bench-json //p' <<<"$output")
  [[ -n $json ]] || { printf '%s\n' "$output" >&2; die "no bench-json line in wrk's output ($url)"; }
  # A proxy answering errors fast would look fast: every response must be a 2xx/3xx, no socket error.
  jq -e '.errors | add == 0' <<<"$json" >/dev/null ||
    { printf '%s\n' "$output" >&2; die "wrk saw errors on $url: $(jq -c .errors <<<"$json")"; }
  ((round > 0)) || return 0
  record gateway.jsonl --argjson w "$json" --arg upstream "$upstream" --arg target "$target" --argjson round "$round" \
    --argjson connections "$connections" --argjson fixed_rate "$rate" --argjson threads "$BENCH_GATEWAY_THREADS" \
    --argjson proxy_ticks "$((user1 + system1 - user0 - system0))" --argjson proxy_system_ticks "$((system1 - system0))" \
    --argjson upstream_ticks "$((serving1 - serving0))" \
    --argjson proxy_writes "$((writes1 - writes0))" --argjson proxy_switches "$((switches1 - switches0))" \
    --argjson proxy_preemptions "$((preemptions1 - preemptions0))" \
    --argjson hz "$CLOCK_TICKS" --arg load "$(load_average)" '
      ($w.requests / ($w.duration_us / 1e6)) as $rate
      | {upstream: $upstream, target: $target, round: $round, connections: $connections, rate: $fixed_rate, threads: $threads,
         seconds: ($w.duration_us / 1e6), requests: $w.requests, per_second: $rate,
         p50_ms: ($w.latency_us.p50 / 1000), p90_ms: ($w.latency_us.p90 / 1000), p99_ms: ($w.latency_us.p99 / 1000),
         p999_ms: ($w.latency_us.p999 / 1000), max_ms: ($w.latency_us.max / 1000), mean_ms: ($w.latency_us.mean / 1000),
         proxy_cpu_us_per_request: (if $target == "direct" then null else $proxy_ticks / $hz * 1e6 / $w.requests end),
         proxy_system_us_per_request: (if $target == "direct" then null else $proxy_system_ticks / $hz * 1e6 / $w.requests end),
         upstream_cpu_us_per_request: ($upstream_ticks / $hz * 1e6 / $w.requests),
         proxy_writes_per_request: (if $target == "direct" then null else $proxy_writes / $w.requests end),
         proxy_sleeps_per_request: (if $target == "direct" then null else $proxy_switches / $w.requests end),
         proxy_preemptions_per_request: (if $target == "direct" then null else $proxy_preemptions / $w.requests end),
         load: $load}'
  bench_say "gateway round $round $upstream -c $connections${pace:+ at $rate req/s} via $target: $(jq -r '"\(.requests / (.duration_us / 1e6) | floor) req/s, p99 \(.latency_us.p99 / 1000) ms"' <<<"$json")"
}

# Where the gateway's CPU goes, after the measured rounds: the gateway restarted under a
# profiler, wrk through it to the static upstream (its own cost, not the catalog's) with 8
# connections for BENCH_GATEWAY_PROFILE_SECONDS. callgrind: instructions counted from the
# start of the load to its end (instrumentation switched on and off by callgrind_control;
# valgrind runs the process serialized and ~50x slower, so only instruction counts mean
# anything: instructions per request and their split);
# perf: cpu-clock samples with call graphs of the normally running gateway (user and
# kernel), then of nginx's workers under the same load, each with its CPU per request split
# into user space and kernel. Output in the results: gateway.callgrind.out +
# gateway-callgrind.txt, or gateway.perf.data + nginx.perf.data + gateway-perf.txt.
gateway_profile() {
  local kind=$1 settings=("${@:2}") log=$BENCH_RESULTS/logs/gateway-profile.log url out requests
  url=$(gateway_url static gateway)
  stop_worker "$GW_GATEWAY_PID"
  case $kind in
    callgrind)
      command -v valgrind >/dev/null || die "BENCH_GATEWAY_PROFILE=callgrind needs valgrind (apt-get install valgrind)"
      out=$BENCH_RESULTS/gateway.callgrind.out
      # Debian 12's valgrind cannot read the DWARF 5 of Swift's toolchain: a copy without
      # debug info (the symbol table stays, so functions keep their names).
      objcopy --strip-debug "$BENCH_BIN_DIR/gateway" "$BENCH_RESULTS/gateway-nodebug"
      local options
      read -r -a options <<<"$BENCH_GATEWAY_CALLGRIND_OPTIONS"
      launch_process "$log" env HTTP_HOST=127.0.0.1 HTTP_PORT="$GW_GATEWAY_PORT" "${settings[@]}" \
        valgrind --tool=callgrind "${options[@]}" --instr-atstart=no --callgrind-out-file="$out" "$BENCH_RESULTS/gateway-nodebug"
      ;;
    perf)
      command -v perf >/dev/null || die "BENCH_GATEWAY_PROFILE=perf needs perf (apt-get install linux-perf)"
      launch_process "$log" env HTTP_HOST=127.0.0.1 HTTP_PORT="$GW_GATEWAY_PORT" "${settings[@]}" "$BENCH_BIN_DIR/gateway"
      ;;
    *) die "BENCH_GATEWAY_PROFILE: callgrind or perf, not '$kind'" ;;
  esac
  GW_GATEWAY_PID=$LAUNCHED_PID
  if ! WAIT_PID=$LAUNCHED_PID wait_until 300 "gateway ($kind)" curl -fsS -o /dev/null --max-time 5 "$url"; then
    print_log_tail "$log" 30
    die "the gateway did not start under $kind"
  fi
  wrk -t 1 -c 8 -d 5s --timeout 30s "$url" >/dev/null # warm-up, not profiled
  case $kind in
    callgrind)
      callgrind_control -i on "$GW_GATEWAY_PID" >/dev/null 2>&1
      out=$(wrk -t 1 -c "$BENCH_GATEWAY_CALLGRIND_CONNECTIONS" -d "${BENCH_GATEWAY_PROFILE_SECONDS}s" --timeout 30s -s "$REPO_ROOT/bench/gateway/report.lua" "$url")
      callgrind_control -i off "$GW_GATEWAY_PID" >/dev/null 2>&1
      stop_worker "$GW_GATEWAY_PID" # callgrind writes its file at exit
      requests=$(sed -n 's/^bench-json //p' <<<"$out" | jq .requests)
      {
        printf 'callgrind of the gateway: %s requests through it (wrk -c %s, %ss, static upstream)\n\n' "$requests" "$BENCH_GATEWAY_CALLGRIND_CONNECTIONS" "$BENCH_GATEWAY_PROFILE_SECONDS"
        callgrind_annotate --inclusive=yes "$BENCH_RESULTS/gateway.callgrind.out" 2>/dev/null | sed -n '1,150p'
        printf '\n\n--- exclusive ---\n\n'
        callgrind_annotate "$BENCH_RESULTS/gateway.callgrind.out" 2>/dev/null | sed -n '1,100p'
      } | demangle >"$BENCH_RESULTS/gateway-callgrind.txt"
      rm -f "$BENCH_RESULTS/gateway-nodebug"
      ;;
    perf)
      out=$(perf_profile "$BENCH_RESULTS/gateway.perf.data" "$GW_GATEWAY_PID" "$url")
      stop_worker "$GW_GATEWAY_PID"
      requests=$(sed -n 's/^bench-json //p' <<<"$out" | jq .requests)
      # nginx's workers under the same load: where the gateway's extra CPU is, user space or kernel.
      local nginx_url nginx_requests
      nginx_url=$(gateway_url static nginx)
      wrk -t 1 -c 8 -d 5s --timeout 30s "$nginx_url" >/dev/null # warm-up, not profiled
      out=$(perf_profile "$BENCH_RESULTS/nginx.perf.data" "$(proxy_pids nginx | paste -sd,)" "$nginx_url")
      nginx_requests=$(sed -n 's/^bench-json //p' <<<"$out" | jq .requests)
      {
        printf 'perf (cpu-clock), wrk -c 64 for %ss to the static upstream:\n' "$BENCH_GATEWAY_PROFILE_SECONDS"
        printf -- '- gateway, %s requests: %s\n' "$requests" "$(perf_split "$BENCH_RESULTS/gateway.perf.data" "$requests")"
        printf -- '- nginx, %s requests: %s\n\n' "$nginx_requests" "$(perf_split "$BENCH_RESULTS/nginx.perf.data" "$nginx_requests")"
        perf report -i "$BENCH_RESULTS/gateway.perf.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
          grep -v '^$' | sed -n '1,120p'
        printf '\n\n--- with callees (children) ---\n\n'
        perf report -i "$BENCH_RESULTS/gateway.perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
          grep -v '^$' | sed -n '1,150p'
        printf '\n\n--- nginx, with callees (children) ---\n\n'
        perf report -i "$BENCH_RESULTS/nginx.perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
          grep -v '^$' | sed -n '1,150p'
      } | demangle >"$BENCH_RESULTS/gateway-perf.txt"
      ;;
  esac
  bench_say "profile ($kind): $requests requests; see ${BENCH_RESULTS#"$REPO_ROOT"/}/gateway-$kind.txt"
}

# Records cpu-clock samples of processes $2 (comma-separated) into $1 while wrk loads URL $3
# (64 connections, BENCH_GATEWAY_PROFILE_SECONDS); prints wrk's report.
perf_profile() {
  local data=$1 pids=$2 url=$3 perf_pid
  perf record -q -e cpu-clock -F 1999 -g -o "$data" -p "$pids" -- sleep "$BENCH_GATEWAY_PROFILE_SECONDS" >/dev/null 2>&1 &
  perf_pid=$!
  wrk -t "$BENCH_GATEWAY_THREADS" -c 64 -d "${BENCH_GATEWAY_PROFILE_SECONDS}s" --timeout 5s -s "$REPO_ROOT/bench/gateway/report.lua" "$url"
  wait "$perf_pid" || true
}

# The CPU per request of perf profile $1 over $2 requests, in all, in user space and in the
# kernel (cpu-clock's event count is CPU time in nanoseconds).
perf_split() {
  local report total kernel
  report=$(perf report -i "$1" --no-children --sort dso --stdio -g none 2>/dev/null)
  total=$(sed -n 's/^# Event count (approx\.): //p' <<<"$report")
  kernel=$(awk '/\[kernel\.kallsyms\]/ { sub("%", "", $1); print $1 }' <<<"$report")
  awk -v total="${total:-0}" -v kernel="${kernel:-0}" -v requests="$2" 'BEGIN {
    cpu = requests > 0 ? total / requests / 1000 : 0
    printf "%.1f µs of CPU per request: user space %.1f µs, kernel %.1f µs (%.0f%%)", cpu, cpu * (100 - kernel) / 100, cpu * kernel / 100, kernel
  }'
}

# Swift symbols on stdin, readable (when the toolchain's demangler is there).
demangle() {
  if command -v swift-demangle >/dev/null; then swift-demangle --simplified; else cat; fi
}

# Checks that every target answers every upstream's URL with 200 and the same body, and
# records what a response weighs through each (headers differ: the proxies add some).
gateway_check_routes() {
  local upstream target url body reference status
  for upstream in $BENCH_GATEWAY_UPSTREAMS; do
    reference=
    for target in "${GATEWAY_TARGETS[@]}"; do
      url=$(gateway_url "$upstream" "$target")
      status=$(curl -s -o "$BENCH_RESULTS/response-$upstream-$target.body" -D "$BENCH_RESULTS/response-$upstream-$target.headers" \
        -w '%{http_code}' --max-time 5 "$url") || true
      [[ $status == 200 ]] || die "$url answered $status, not 200: $(head -c 300 "$BENCH_RESULTS/response-$upstream-$target.body")"
      body=$(<"$BENCH_RESULTS/response-$upstream-$target.body")
      if [[ -z $reference ]]; then
        reference=$body
      elif [[ $body != "$reference" ]]; then
        die "$url answered another body than the upstream directly"
      fi
      record gateway-responses.jsonl --arg upstream "$upstream" --arg target "$target" \
        --argjson header_bytes "$(wc -c <"$BENCH_RESULTS/response-$upstream-$target.headers")" \
        --argjson body_bytes "$(wc -c <"$BENCH_RESULTS/response-$upstream-$target.body")" \
        '{upstream: $upstream, target: $target, header_bytes: $header_bytes, body_bytes: $body_bytes}'
    done
  done
}

gateway_main() {
  local upstream round i target config connections keepalive=0
  bench_step "gateway: wrk via direct / nginx / gateway, upstreams: $BENCH_GATEWAY_UPSTREAMS; connections: $BENCH_GATEWAY_CONNECTIONS, $BENCH_GATEWAY_THREADS threads, ${BENCH_GATEWAY_SECONDS}s, $BENCH_GATEWAY_ROUNDS rounds"
  gateway_tools
  gateway_ports

  # The upstreams: the catalog (with PostgreSQL, Redis, RabbitMQ of the stack; it migrates
  # its schema at start) and one product to read; the static nginx.
  start_shop_process catalog "$GW_CATALOG_PORT"
  GW_CATALOG_PID=$LAUNCHED_PID
  bench_psql -v product="$GATEWAY_BENCH_PRODUCT" -f "$REPO_ROOT/bench/gateway/product.sql"
  start_nginx static "$GW_STATIC_PORT"

  # The proxies, with the same routes: the gateway with config.json plus a route to the
  # static upstream (the seed form every gateway version reads), nginx with proxy.conf.
  config=$BENCH_RESULTS/gateway-config.json
  jq --arg static "http://127.0.0.1:$GW_STATIC_PORT" --arg catalog "http://127.0.0.1:$GW_CATALOG_PORT" \
    '. + {"/products": $catalog, "/bench-static": $static}' "$REPO_ROOT/config.json" >"$config"
  # Logging as in production (compose.yaml): info, JSON; one access log line per request.
  local settings=(GATEWAY_CONFIG="$config" LOG_LEVEL="$BENCH_GATEWAY_LOG_LEVEL" LOG_FORMAT="$BENCH_GATEWAY_LOG_FORMAT")
  start_shop_process gateway "$GW_GATEWAY_PORT" "${settings[@]}"
  GW_GATEWAY_PID=$LAUNCHED_PID
  # Idle keep-alive connections each nginx worker keeps per upstream: as many as wrk's
  # connections, as the gateway's pool keeps up to 64 per upstream.
  for connections in $BENCH_GATEWAY_CONNECTIONS ${BENCH_GATEWAY_RATES:+$BENCH_GATEWAY_RATE_CONNECTIONS}; do
    ((connections > keepalive)) && keepalive=$connections
  done
  # nginx logs each request when the gateway does (LOG_LEVEL info or lower): same settings.
  local access_log=off
  [[ $BENCH_GATEWAY_LOG_LEVEL =~ ^(info|debug|trace)$ ]] && access_log="$STACK_DIR/nginx/proxy/logs/access.log bench"
  start_nginx proxy "$GW_PROXY_PORT" CATALOG_PORT="$GW_CATALOG_PORT" STATIC_PORT="$GW_STATIC_PORT" KEEPALIVE="$keepalive" ACCESS_LOG="$access_log"

  gateway_check_routes
  jq -n --arg nginx "$(nginx -v 2>&1 | sed 's/^nginx version: //')" --arg wrk "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)" \
    --arg log_level "$BENCH_GATEWAY_LOG_LEVEL, $BENCH_GATEWAY_LOG_FORMAT" --argjson nginx_workers "$(pgrep -c -P "$GW_PROXY_PID")" \
    --arg nginx_access_log "$([[ $access_log == off ]] && echo off || echo "on, one JSON line per request")" \
    '{nginx: $nginx, wrk: $wrk, gateway_log_level: $log_level, nginx_workers: $nginx_workers, nginx_access_log: $nginx_access_log}' \
    >"$BENCH_RESULTS/gateway-meta.json"

  for upstream in $BENCH_GATEWAY_UPSTREAMS; do
    for connections in $BENCH_GATEWAY_CONNECTIONS; do
      # Unrecorded warm-up of each target: caches, connection pools, page cache.
      bench_say "warm-up, $upstream, $connections connections"
      for target in "${GATEWAY_TARGETS[@]}"; do
        gateway_run "$upstream" "$target" "$BENCH_GATEWAY_WARMUP_SECONDS" 0 "$connections"
      done
      for ((round = 1; round <= BENCH_GATEWAY_ROUNDS; round++)); do
        # The order rotates: each target goes first, second and third equally often.
        for ((i = 0; i < ${#GATEWAY_TARGETS[@]}; i++)); do
          target=${GATEWAY_TARGETS[(round - 1 + i) % ${#GATEWAY_TARGETS[@]}]}
          gateway_run "$upstream" "$target" "$BENCH_GATEWAY_SECONDS" "$round" "$connections"
        done
      done
    done
  done

  # At fixed rates below saturation: what each proxy adds to the latency when it is not
  # queueing (wrk's latency at saturation is mostly the queue).
  local rate
  for rate in $BENCH_GATEWAY_RATES; do
    for upstream in $BENCH_GATEWAY_UPSTREAMS; do
      for ((round = 1; round <= BENCH_GATEWAY_ROUNDS; round++)); do
        for ((i = 0; i < ${#GATEWAY_TARGETS[@]}; i++)); do
          target=${GATEWAY_TARGETS[(round - 1 + i) % ${#GATEWAY_TARGETS[@]}]}
          gateway_run "$upstream" "$target" "$BENCH_GATEWAY_SECONDS" "$round" "$BENCH_GATEWAY_RATE_CONNECTIONS" "$rate"
        done
      done
    done
  done

  local kind
  for kind in $BENCH_GATEWAY_PROFILE; do
    gateway_profile "$kind" "${settings[@]}"
  done
  for i in "$GW_GATEWAY_PID" "$GW_PROXY_PID" "$GW_STATIC_PID" "$GW_CATALOG_PID"; do stop_worker "$i"; done
}
