-- The checkout benchmark's one hot product, with stock for a billion orders so every order
-- of every round is confirmed. Idempotent: re-running refills the stock.
-- psql -v product=<uuid>
INSERT INTO catalog.products (id, sku, name, description, category, price_amount, currency)
VALUES (:'product', 'BENCH-HOT', 'Benchmark Hot Item', 'The one product every benchmark order buys', 'bench', 100, 'EUR')
ON CONFLICT (id) DO UPDATE SET active = true;

INSERT INTO catalog.inventory (product_id, available, reserved)
VALUES (:'product', 1000000000, 0)
ON CONFLICT (product_id) DO UPDATE SET available = 1000000000, updated_at = now();

INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reason)
SELECT :'product', 'initial', 1000000000, 'benchmark stock'
WHERE NOT EXISTS (SELECT FROM catalog.inventory_ledger WHERE product_id = :'product' AND kind = 'initial');
