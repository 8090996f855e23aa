-- Seeds :count pending orders of one unit of the hot product, as the orders service stores
-- them at checkout (order, line, first history row), tagged with the round's email address.
-- Committed before any order.placed is published, so no worker looks for a missing order.
-- psql -v count=N -v product=<uuid> -v email=<tag> -v user_id=<uuid>
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
SELECT gen_random_uuid() AS id FROM generate_series(1, :count);

INSERT INTO orders.orders (id, user_id, email, status, total_amount, currency)
SELECT id, :'user_id', :'email', 'pending', 100, 'EUR' FROM bench_orders;

INSERT INTO orders.order_lines (order_id, line_number, product_id, sku, name, unit_price, quantity)
SELECT id, 1, :'product', 'BENCH-HOT', 'Benchmark Hot Item', 100, 1 FROM bench_orders;

INSERT INTO orders.order_status_history (order_id, to_status, reason)
SELECT id, 'pending', 'checkout' FROM bench_orders;

COMMIT;
