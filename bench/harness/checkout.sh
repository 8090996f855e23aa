# shellcheck shell=bash disable=SC2016  # jq programs and bash -c scripts are single-quoted on purpose
# Benchmark 2: checkouts per second from `order.placed` to `confirmed` for one hot product,
# one replica of each worker, against pgbench running the reservation transaction of
# update-inventory (bench/checkout/reserve.pgbench) on the same database. Rounds alternate
# pgbench and the pipeline. Results: checkout.jsonl, one line per run.
#
# The pipeline runs in two variants (BENCH_CHECKOUT_VARIANTS): `batched`, with queues.yaml as
# it is (checkout charges, and update-inventory reserves and commits, up to `batch.size`
# orders per transaction), and `unbatched`, the same with `batch: null` for both, checkout at
# prefetch 32 and concurrency 16 and update-inventory at concurrency 4: the policies they had
# before batching (one order per transaction, several at a time). A third variant,
# `email-unbatched`, is `batched` with send-email one email per message (concurrency 4), as it
# was before its batches.
#
# The pipeline's orders are seeded straight into the database (order, line, history, as the
# orders service stores them) and their `order.placed` messages published by raw-publisher:
# the HTTP path (gateway, JWT, cart, orders service) is not what this measures, and would
# make the publisher the bottleneck.

# The hot product and the customer of every benchmark order.
readonly HOT_PRODUCT=b0000000-0000-4000-8000-000000000001
readonly BENCH_USER=b0000000-0000-4000-8000-0000000000aa
readonly PIPELINE_WORKERS=(checkout update-inventory clear-cart send-email)

# pgbench with $1 clients for BENCH_PGBENCH_SECONDS; round $2.
checkout_pgbench_run() {
  local clients=$1 round=$2 output tps
  output=$(pgbench -n -M extended -f "$REPO_ROOT/bench/checkout/reserve.pgbench" -D product="$HOT_PRODUCT" \
    -c "$clients" -j "$((clients < 2 ? clients : 2))" -T "$BENCH_PGBENCH_SECONDS" "$DATABASE_URL" 2>&1) ||
    { printf '%s\n' "$output" >&2; die "pgbench failed"; }
  printf '%s\n' "$output" >"$BENCH_RESULTS/logs/pgbench-c$clients-r$round.txt"
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' <<<"$output")
  [[ -n $tps ]] || { printf '%s\n' "$output" >&2; die "no tps in the pgbench output"; }
  record checkout.jsonl --arg tps "$tps" --argjson clients "$clients" --argjson round "$round" \
    --argjson seconds "$BENCH_PGBENCH_SECONDS" --arg load "$(load_average)" \
    '{kind: "pgbench", clients: $clients, round: $round, seconds: $seconds, per_second: ($tps | tonumber), load: $load}'
  bench_say "checkout round $round pgbench -c $clients: $tps tps"
}

# The queues.yaml of pipeline variant $1 (batched: queues.yaml itself). Prints its path.
variant_queues_config() {
  local variant=$1 file
  case $variant in
    batched) printf '%s\n' "$REPO_ROOT/queues.yaml" ;;
    unbatched)
      file=$BENCH_RESULTS/queues-unbatched.yaml
      "$SYSTEM_PYTHON" - "$REPO_ROOT/queues.yaml" "$file" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
config["queues"]["update-inventory"].update({"batch": None, "concurrency": 4})
config["queues"]["checkout"].update({"batch": None, "prefetch": 32, "concurrency": 16})
with open(sys.argv[2], "w") as out:
    out.write("# Written by scripts/bench: queues.yaml without the checkout's and update-inventory's batches.\n")
    yaml.safe_dump(config, out, sort_keys=False)
PY
      printf '%s\n' "$file"
      ;;
    email-unbatched)
      # queues.yaml with send-email as it was before its batches: one email per message, four at
      # a time (two email-log commits per email), the rest as queues.yaml says.
      file=$BENCH_RESULTS/queues-email-unbatched.yaml
      "$SYSTEM_PYTHON" - "$REPO_ROOT/queues.yaml" "$file" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
config["queues"]["send-email"] = {"concurrency": 4, "batch": None}
with open(sys.argv[2], "w") as out:
    out.write("# Written by scripts/bench: queues.yaml without send-email's batches.\n")
    yaml.safe_dump(config, out, sort_keys=False)
PY
      printf '%s\n' "$file"
      ;;
    *) die "unknown checkout variant '$variant' (batched, unbatched, email-unbatched)" ;;
  esac
}

# Starts one replica of each pipeline worker with queues config $1 (on the stack's worker
# ports, logs in the results) and waits until each consumes. Sets PIPELINE_PIDS.
start_pipeline_workers() {
  local config=$1 worker port log
  PIPELINE_PIDS=()
  for worker in "${PIPELINE_WORKERS[@]}"; do
    port=${worker^^}
    port=${port//-/_}_WORKER_PORT
    log=$BENCH_RESULTS/logs/pipeline-$worker.log
    launch_worker "$BENCH_BIN_DIR/$worker" "${!port}" "$log" QUEUES_CONFIG="$config"
    PIPELINE_PIDS+=("$LAUNCHED_PID")
    if ! WAIT_PID=$LAUNCHED_PID wait_until 60 "$worker" grep -q consuming "$log"; then
      print_log_tail "$log" 30
      stop_pipeline_workers
      die "$worker did not start consuming"
    fi
  done
}

stop_pipeline_workers() {
  local pid
  for pid in "${PIPELINE_PIDS[@]}"; do stop_worker "$pid"; done
  PIPELINE_PIDS=()
}

# Seeds BENCH_ORDERS pending orders, publishes their order.placed, waits until every one is
# confirmed and everything after (stock commit, email) is done; variant $1, round $2.
checkout_pipeline_run() {
  local variant=$1 round=$2 tag messages t0 published_at deadline final confirmed timing email_done
  tag="bench-$BENCH_RUN_ID-$variant-r$round@bench.local"
  messages=$BENCH_RESULTS/logs/order-placed-$variant-r$round.tsv
  bench_psql -v count="$BENCH_ORDERS" -v product="$HOT_PRODUCT" -v email="$tag" -v user_id="$BENCH_USER" \
    -f "$REPO_ROOT/bench/checkout/seed-orders.sql"
  bench_psql -At -F $'\t' -v email="$tag" -v product="$HOT_PRODUCT" -v user_id="$BENCH_USER" >"$messages" <<'SQL'
SELECT id, json_build_object(
    'orderId', id, 'userId', :'user_id'::uuid,
    'lines', json_build_array(json_build_object('productId', :'product'::uuid, 'quantity', 1)))
FROM orders.orders WHERE email = :'email';
SQL
  [[ $(wc -l <"$messages") == "$BENCH_ORDERS" ]] || die "seeded $(wc -l <"$messages") orders, expected $BENCH_ORDERS"

  t0=$EPOCHREALTIME
  raw_publisher --expect-empty "$AMQP_URL" checkout order.placed - <"$messages" >/dev/null
  published_at=$EPOCHREALTIME

  deadline=$((${EPOCHREALTIME/./} + BENCH_CHECKOUT_TIMEOUT * 1000000))
  while :; do
    final=$(bench_query "SELECT count(*) FILTER (WHERE status = 'confirmed') || ' ' || count(*) FILTER (WHERE status NOT IN ('pending', 'reserved'))
                         FROM orders.orders WHERE email = '$tag'")
    confirmed=${final% *}
    [[ ${final#* } == "$BENCH_ORDERS" ]] && break
    ((${EPOCHREALTIME/./} < deadline)) || die "after ${BENCH_CHECKOUT_TIMEOUT}s only $final of $BENCH_ORDERS orders are confirmed / final"
    sleep 0.2
  done
  ((confirmed == BENCH_ORDERS)) || die "only $confirmed of $BENCH_ORDERS orders were confirmed (see the worker logs in .stack/bench/logs)"

  # When the last order was confirmed, from the status history (the database's clock).
  timing=$(bench_query "SELECT extract(epoch FROM min(h.created_at)) || ' ' || extract(epoch FROM max(h.created_at))
                        FROM orders.order_status_history h JOIN orders.orders o ON o.id = h.order_id
                        WHERE o.email = '$tag' AND h.to_status = 'confirmed'")
  # The tail: stock committed and the confirmation email sent for every order.
  deadline=$((${EPOCHREALTIME/./} + BENCH_CHECKOUT_TIMEOUT * 1000000))
  until [[ $(bench_query "SELECT (SELECT count(*) FROM catalog.reservations r JOIN orders.orders o ON o.id = r.order_id
                                  WHERE o.email = '$tag' AND r.status = 'committed')
                               + (SELECT count(*) FROM emails.email_log WHERE recipient = '$tag' AND status = 'sent')") == $((2 * BENCH_ORDERS)) ]]; do
    ((${EPOCHREALTIME/./} < deadline)) || die "after ${BENCH_CHECKOUT_TIMEOUT}s not every order's stock is committed and email sent"
    sleep 0.2
  done
  email_done=$(bench_query "SELECT extract(epoch FROM max(sent_at)) FROM emails.email_log WHERE recipient = '$tag'")
  for queue in "${PIPELINE_WORKERS[@]}"; do
    require_empty_queue "$queue"
  done

  record checkout.jsonl --arg variant "$variant" --argjson orders "$BENCH_ORDERS" --argjson round "$round" --arg t0 "$t0" \
    --arg published "$published_at" --arg timing "$timing" --arg email "$email_done" --arg load "$(load_average)" '
    ($t0 | tonumber) as $start | ($timing | split(" ") | map(tonumber)) as $t |
    {kind: "pipeline", variant: $variant, round: $round, orders: $orders,
     publish_seconds: (($published | tonumber) - $start),
     first_confirmed_seconds: ($t[0] - $start),
     seconds: ($t[1] - $start),
     per_second: ($orders / ($t[1] - $start)),
     all_done_seconds: (($email | tonumber) - $start),
     load: $load}'
  bench_say "checkout round $round pipeline $variant: $(tail -n 1 "$BENCH_RESULTS/checkout.jsonl" | jq -r '"\(.per_second | floor) orders/s (\(.orders) in \(.seconds * 1000 | floor) ms)"')"
}

# The pipeline of variant $1, round $2, with its own workers.
checkout_variant_run() {
  local variant=$1 round=$2
  start_pipeline_workers "$(variant_queues_config "$variant")"
  checkout_pipeline_run "$variant" "$round"
  stop_pipeline_workers
}

checkout_main() {
  local round clients variant
  bench_step "checkout: $BENCH_ORDERS orders of one hot product through the four workers ($BENCH_CHECKOUT_VARIANTS) vs pgbench (clients: $BENCH_PGBENCH_CLIENTS, ${BENCH_PGBENCH_SECONDS}s), $BENCH_CHECKOUT_ROUNDS rounds"
  bench_psql -v product="$HOT_PRODUCT" -f "$REPO_ROOT/bench/checkout/hot-product.sql"
  for queue in "${PIPELINE_WORKERS[@]}"; do
    require_empty_queue "$queue"
  done
  # Unrecorded warm-ups: connections opened, statements planned, caches filled.
  bench_say "warm-up"
  for variant in $BENCH_CHECKOUT_VARIANTS; do
    BENCH_ORDERS=$((BENCH_ORDERS / 10 + 1)) checkout_variant_run "$variant" 0 >/dev/null
  done
  BENCH_PGBENCH_SECONDS=2 checkout_pgbench_run 1 0 >/dev/null
  for ((round = 1; round <= BENCH_CHECKOUT_ROUNDS; round++)); do
    if ((round % 2)); then
      for clients in $BENCH_PGBENCH_CLIENTS; do checkout_pgbench_run "$clients" "$round"; done
      for variant in $BENCH_CHECKOUT_VARIANTS; do checkout_variant_run "$variant" "$round"; done
    else
      for variant in $BENCH_CHECKOUT_VARIANTS; do checkout_variant_run "$variant" "$round"; done
      for clients in $BENCH_PGBENCH_CLIENTS; do checkout_pgbench_run "$clients" "$round"; done
    fi
  done
  jq -c 'select(.round > 0)' "$BENCH_RESULTS/checkout.jsonl" >"$BENCH_RESULTS/checkout.tmp"
  mv "$BENCH_RESULTS/checkout.tmp" "$BENCH_RESULTS/checkout.jsonl"
}
