# shellcheck shell=bash disable=SC2016  # jq programs and bash -c scripts are single-quoted on purpose
# Benchmark 1: one worker process with a no-op handler against a raw rabbitmq-c
# consume-and-ack loop (bench/raw-consumer.c), on the same quorum queue and broker, with the
# same prefetch. Each run: publish N persistent messages (confirmed), start the consumer,
# time it from its first delivery to its N-th ack, stop it. Rounds alternate which consumer
# goes first. Results: throughput.jsonl, one line per run.

readonly NOOP_QUEUE=bench-noop

# Drains the queue with the raw C consumer: prefetch $1, round $2.
throughput_raw_run() {
  local prefetch=$1 round=$2 result
  raw_publisher --expect-idle "$AMQP_URL" "$NOOP_QUEUE" bench.ping "$BENCH_MESSAGES" >/dev/null
  result=$(raw_consumer "$AMQP_URL" "$NOOP_QUEUE" "$prefetch" "$BENCH_MESSAGES")
  require_empty_queue "$NOOP_QUEUE"
  record throughput.jsonl --argjson r "$result" --argjson round "$round" --arg load "$(load_average)" \
    '$r + {consumer: "raw", round: $round, load: $load}'
  bench_say "throughput round $round prefetch $prefetch raw:    $(jq -r '.per_second' <<<"$result") msg/s"
}

# Drains the queue with the no-op worker: prefetch $1, concurrency $2, round $3.
throughput_worker_run() {
  local prefetch=$1 concurrency=$2 round=$3 config report log result
  config=$(noop_queues_config "$prefetch" "$concurrency")
  report=$BENCH_RESULTS/noop-report.json
  log=$BENCH_RESULTS/logs/noop-worker-throughput.log
  rm -f "$report"
  raw_publisher --expect-idle "$AMQP_URL" "$NOOP_QUEUE" bench.ping "$BENCH_MESSAGES" >/dev/null
  launch_worker "$BENCH_BIN_DIR/bench-noop-worker" "$NOOP_WORKER_PORT" "$log" \
    QUEUES_CONFIG="$config" BENCH_EXPECT="$BENCH_MESSAGES" BENCH_REPORT="$report" LOG_LEVEL=info
  if ! await_file "$report" 600 "$LAUNCHED_PID"; then
    stop_worker "$LAUNCHED_PID"
    print_log_tail "$log" 30
    die "the no-op worker did not drain $BENCH_MESSAGES messages"
  fi
  stop_worker "$LAUNCHED_PID"
  # Stopped, its unacknowledged deliveries would be back in the queue: none may be.
  require_empty_queue "$NOOP_QUEUE"
  result=$(<"$report")
  record throughput.jsonl --argjson r "$result" --argjson round "$round" --arg load "$(load_average)" \
    '$r + {consumer: "worker", round: $round, load: $load}'
  bench_say "throughput round $round prefetch $prefetch worker: $(jq -r '.per_second' <<<"$result") msg/s"
}

throughput_main() {
  local prefetch round
  bench_step "throughput: no-op worker vs raw rabbitmq-c, $BENCH_MESSAGES messages, prefetch ${BENCH_PREFETCH}, concurrency $BENCH_CONCURRENCY, $BENCH_ROUNDS rounds"
  for prefetch in $BENCH_PREFETCH; do
    # An unrecorded warm-up of each, so neither pays for a cold broker or page cache.
    bench_say "warm-up, prefetch $prefetch"
    BENCH_MESSAGES=$((BENCH_MESSAGES / 10)) throughput_raw_run "$prefetch" 0 >/dev/null
    BENCH_MESSAGES=$((BENCH_MESSAGES / 10)) throughput_worker_run "$prefetch" "$BENCH_CONCURRENCY" 0 >/dev/null
    for ((round = 1; round <= BENCH_ROUNDS; round++)); do
      if ((round % 2)); then
        throughput_raw_run "$prefetch" "$round"
        throughput_worker_run "$prefetch" "$BENCH_CONCURRENCY" "$round"
      else
        throughput_worker_run "$prefetch" "$BENCH_CONCURRENCY" "$round"
        throughput_raw_run "$prefetch" "$round"
      fi
    done
  done
  # Warm-up lines (round 0) are not results.
  jq -c 'select(.round > 0)' "$BENCH_RESULTS/throughput.jsonl" >"$BENCH_RESULTS/throughput.tmp"
  mv "$BENCH_RESULTS/throughput.tmp" "$BENCH_RESULTS/throughput.jsonl"
}
