-- The gateway benchmark's product: a realistic catalog row (the demo seed's shape), read by
-- GET /products/<id>. Idempotent. psql -v product=<uuid>
INSERT INTO catalog.products (id, sku, name, description, category, price_amount, currency)
VALUES (:'product', 'BENCH-GW-001', 'Organic Cotton Hoodie',
        'A heavyweight hoodie in brushed organic cotton, with a lined hood, kangaroo pocket and ribbed cuffs. Machine washable.',
        'apparel', 4900, 'EUR')
ON CONFLICT (id) DO UPDATE SET active = true;

INSERT INTO catalog.inventory (product_id, available, reserved)
VALUES (:'product', 250, 0)
ON CONFLICT (product_id) DO NOTHING;

INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reason)
SELECT :'product', 'initial', 250, 'benchmark stock'
WHERE NOT EXISTS (SELECT FROM catalog.inventory_ledger WHERE product_id = :'product' AND kind = 'initial');
