# shellcheck shell=bash disable=SC2016  # jq programs and bash -c scripts are single-quoted on purpose
# Benchmark 3: cold start and idle memory of each worker executable. With one message
# already waiting in its queue, exec the worker and measure from the exec (the launching
# shell's clock, written just before it execs) to the worker's "acked" log record (JSON logs
# at debug level carry the time to the millisecond). Then let it idle and read its resident
# memory from /proc: VmRSS (the goal's figure), its peak VmHWM, its anonymous and file-backed
# parts, and PSS (shared pages divided among the processes sharing them). Results: coldstart.jsonl.

readonly COLDSTART_WORKERS=(bench-noop-worker checkout update-inventory clear-cart send-email)

# The queue, health port and waiting message (type, then an `<id>\t<json>` line) of worker $1,
# for round $2: sets CS_QUEUE, CS_PORT, CS_TYPE, CS_LINE. Orders it needs are seeded here.
coldstart_message() {
  local worker=$1 round=$2 order tag
  tag="coldstart-$BENCH_RUN_ID-r$round@bench.local"
  local lines='[{"productId":"'$HOT_PRODUCT'","quantity":1}]'
  case $worker in
    bench-noop-worker)
      CS_QUEUE=$NOOP_QUEUE CS_PORT=$NOOP_WORKER_PORT CS_TYPE=bench.ping
      CS_LINE=$'cold-'$round$'\t{"n":'$round'}'
      ;;
    checkout | update-inventory)
      bench_psql -v count=1 -v product="$HOT_PRODUCT" -v email="$tag" -v user_id="$BENCH_USER" \
        -f "$REPO_ROOT/bench/checkout/seed-orders.sql"
      order=$(bench_query "SELECT id FROM orders.orders WHERE email = '$tag' ORDER BY created_at DESC LIMIT 1")
      if [[ $worker == checkout ]]; then
        CS_QUEUE=checkout CS_PORT=$CHECKOUT_WORKER_PORT CS_TYPE=order.placed
        CS_LINE=$order$'\t{"orderId":"'$order'","userId":"'$BENCH_USER'","lines":'$lines'}'
      else
        CS_QUEUE=update-inventory CS_PORT=$UPDATE_INVENTORY_WORKER_PORT CS_TYPE=inventory.reserve
        CS_LINE=$order$'\t{"orderId":"'$order'","lines":'$lines'}'
      fi
      ;;
    clear-cart)
      order=$(bench_query "SELECT gen_random_uuid()")
      CS_QUEUE=clear-cart CS_PORT=$CLEAR_CART_WORKER_PORT CS_TYPE=cart.clear
      CS_LINE=$order$'\t{"userId":"'$BENCH_USER'","orderId":"'$order'","lines":'$lines'}'
      ;;
    send-email)
      order=$(bench_query "SELECT gen_random_uuid()")
      CS_QUEUE=send-email CS_PORT=$SEND_EMAIL_WORKER_PORT CS_TYPE=email.send
      CS_LINE=$order$'\t{"idempotencyKey":"coldstart:'$order'","to":"'$tag'","template":"order-confirmed","variables":{"orderId":"'$order'","total":"1.00 EUR","lines":[]}}'
      ;;
  esac
}

# One cold start of worker $1, round $2.
coldstart_run() {
  local worker=$1 round=$2 log queue t0 acked_at milliseconds rss hwm anon file pss status executable
  executable=$BENCH_BIN_DIR/$worker
  for queue in "$NOOP_QUEUE" "${PIPELINE_WORKERS[@]}"; do purge_queue "$queue"; done
  coldstart_message "$worker" "$round"
  printf '%s\n' "$CS_LINE" | raw_publisher --expect-empty "$AMQP_URL" "$CS_QUEUE" "$CS_TYPE" - >/dev/null

  log=$BENCH_RESULTS/logs/coldstart-$worker-r$round.log
  local settings=(LOG_LEVEL=debug LOG_FORMAT=json)
  [[ $worker == bench-noop-worker ]] && settings+=(QUEUES_CONFIG="$(noop_queues_config 16 "$BENCH_CONCURRENCY")")
  launch_worker "$executable" "$CS_PORT" "$log" "${settings[@]}"
  if ! WAIT_PID=$LAUNCHED_PID wait_until 60 "$worker first ack" grep -q '"message":"acked"' "$log"; then
    stop_worker "$LAUNCHED_PID"
    print_log_tail "$log" 30
    die "$worker did not ack its waiting message"
  fi
  t0=$(<"$log.t0")
  acked_at=$(jq -r 'select(.message == "acked") | .time' <(grep '"message":"acked"' "$log") | head -n 1)
  acked_at=$(date -d "$acked_at" +%s.%N)
  milliseconds=$(awk -v a="$acked_at" -v b="$t0" 'BEGIN { printf "%.1f", (a - b) * 1000 }')

  sleep "$BENCH_IDLE_SECONDS"
  status=/proc/$LAUNCHED_PID/status
  rss=$(awk '/^VmRSS:/ { print $2 }' "$status")
  hwm=$(awk '/^VmHWM:/ { print $2 }' "$status")
  # What the RSS is made of: anonymous memory (heap, stacks: the process's own) and file
  # pages (the executable and shared libraries, shared with every process mapping them).
  anon=$(awk '/^RssAnon:/ { print $2 }' "$status")
  file=$(awk '/^RssFile:/ { print $2 }' "$status")
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$LAUNCHED_PID/smaps_rollup")
  # Per mapping, for finding where a worker's memory goes (sum Rss by file name).
  cp "/proc/$LAUNCHED_PID/smaps" "$BENCH_RESULTS/logs/coldstart-$worker-r$round.smaps"
  stop_worker "$LAUNCHED_PID"
  record coldstart.jsonl --arg worker "$worker" --argjson round "$round" --argjson ms "$milliseconds" \
    --argjson rss "$rss" --argjson hwm "$hwm" --argjson anon "$anon" --argjson file "$file" --argjson pss "$pss" \
    --argjson idle "$BENCH_IDLE_SECONDS" --arg load "$(load_average)" \
    '{worker: $worker, round: $round, first_ack_ms: $ms, idle_seconds: $idle, rss_kb: $rss, peak_rss_kb: $hwm,
      rss_anon_kb: $anon, rss_file_kb: $file, pss_kb: $pss, load: $load}'
  bench_say "cold start $worker round $round: first ack after $milliseconds ms; idle RSS $((rss / 1024)) MB (peak $((hwm / 1024)) MB)"
}

coldstart_main() {
  local worker round
  bench_step "cold start and idle memory: ${COLDSTART_WORKERS[*]}, $BENCH_COLDSTART_ROUNDS rounds, RSS after ${BENCH_IDLE_SECONDS}s idle"
  bench_psql -v product="$HOT_PRODUCT" -f "$REPO_ROOT/bench/checkout/hot-product.sql"
  for ((round = 1; round <= BENCH_COLDSTART_ROUNDS; round++)); do
    for worker in "${COLDSTART_WORKERS[@]}"; do
      coldstart_run "$worker" "$round"
    done
  done
  for queue in "$NOOP_QUEUE" "${PIPELINE_WORKERS[@]}"; do purge_queue "$queue"; done
}
