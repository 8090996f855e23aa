# shellcheck shell=bash disable=SC2016  # jq programs and bash -c scripts are single-quoted on purpose
# Benchmark 2: checkouts per second from `order.placed` to `confirmed` for one hot product,
# one replica of each worker, against pgbench running the reservation transaction of
# update-inventory (bench/checkout/reserve.pgbench) on the same database. Rounds alternate
# pgbench and the pipeline. Results: checkout.jsonl, one line per run.
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

# Seeds BENCH_ORDERS pending orders, publishes their order.placed, waits until every one is
# confirmed and everything after (stock commit, email) is done; round $1.
checkout_pipeline_run() {
  local round=$1 tag messages t0 published_at deadline final confirmed timing email_done
  tag="bench-$BENCH_RUN_ID-r$round@bench.local"
  messages=$BENCH_RESULTS/logs/order-placed-r$round.tsv
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

  record checkout.jsonl --argjson orders "$BENCH_ORDERS" --argjson round "$round" --arg t0 "$t0" \
    --arg published "$published_at" --arg timing "$timing" --arg email "$email_done" --arg load "$(load_average)" '
    ($t0 | tonumber) as $start | ($timing | split(" ") | map(tonumber)) as $t |
    {kind: "pipeline", round: $round, orders: $orders,
     publish_seconds: (($published | tonumber) - $start),
     first_confirmed_seconds: ($t[0] - $start),
     seconds: ($t[1] - $start),
     per_second: ($orders / ($t[1] - $start)),
     all_done_seconds: (($email | tonumber) - $start),
     load: $load}'
  bench_say "checkout round $round pipeline: $(jq -r 'select(.round == '"$round"' and .kind == "pipeline") | "\(.per_second | floor) orders/s (\(.orders) in \(.seconds * 1000 | floor) ms)"' "$BENCH_RESULTS/checkout.jsonl")"
}

checkout_main() {
  local round clients
  bench_step "checkout: $BENCH_ORDERS orders of one hot product through the four workers vs pgbench (clients: $BENCH_PGBENCH_CLIENTS, ${BENCH_PGBENCH_SECONDS}s), $BENCH_CHECKOUT_ROUNDS rounds"
  bench_psql -v product="$HOT_PRODUCT" -f "$REPO_ROOT/bench/checkout/hot-product.sql"
  scripts/stack bench start "${PIPELINE_WORKERS[@]}"
  for queue in "${PIPELINE_WORKERS[@]}"; do
    require_empty_queue "$queue"
  done
  # Unrecorded warm-ups: connections opened, statements planned, caches filled.
  bench_say "warm-up"
  BENCH_ORDERS=$((BENCH_ORDERS / 10 + 1)) checkout_pipeline_run 0 >/dev/null
  BENCH_PGBENCH_SECONDS=2 checkout_pgbench_run 1 0 >/dev/null
  for ((round = 1; round <= BENCH_CHECKOUT_ROUNDS; round++)); do
    if ((round % 2)); then
      for clients in $BENCH_PGBENCH_CLIENTS; do checkout_pgbench_run "$clients" "$round"; done
      checkout_pipeline_run "$round"
    else
      checkout_pipeline_run "$round"
      for clients in $BENCH_PGBENCH_CLIENTS; do checkout_pgbench_run "$clients" "$round"; done
    fi
  done
  jq -c 'select(.round > 0)' "$BENCH_RESULTS/checkout.jsonl" >"$BENCH_RESULTS/checkout.tmp"
  mv "$BENCH_RESULTS/checkout.tmp" "$BENCH_RESULTS/checkout.jsonl"
  scripts/stack bench stop "${PIPELINE_WORKERS[@]}"
}
