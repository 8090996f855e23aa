import Storage

/// The `orders` schema: orders with their lines (prices as they were at checkout),
/// every status change, and payments.
public enum OrdersMigrations {
    public static let schema = SchemaMigrations(
        schema: "orders",
        migrations: [
            Migration(
                version: 1,
                name: "orders, lines, history, payments",
                sql: """
                    CREATE TABLE orders.orders (
                        id uuid PRIMARY KEY,
                        user_id uuid NOT NULL,
                        email text NOT NULL,
                        status text NOT NULL CHECK (status IN ('pending', 'reserved', 'confirmed', 'rejected', 'payment_failed', 'failed')),
                        status_reason text,
                        total_amount integer NOT NULL CHECK (total_amount >= 0),
                        currency char(3) NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE INDEX orders_user ON orders.orders (user_id, created_at DESC);
                    CREATE INDEX orders_open ON orders.orders (status, updated_at) WHERE status IN ('pending', 'reserved');

                    CREATE TABLE orders.order_lines (
                        order_id uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
                        line_number integer NOT NULL,
                        product_id uuid NOT NULL,
                        sku text NOT NULL,
                        name text NOT NULL,
                        unit_price integer NOT NULL CHECK (unit_price >= 0),
                        quantity integer NOT NULL CHECK (quantity > 0),
                        PRIMARY KEY (order_id, line_number)
                    );

                    CREATE TABLE orders.order_status_history (
                        id bigserial PRIMARY KEY,
                        order_id uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
                        from_status text,
                        to_status text NOT NULL,
                        reason text,
                        created_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE INDEX order_status_history_order ON orders.order_status_history (order_id, id);

                    -- One charge per order: the provider is asked again with the same key on
                    -- redelivery, and this row makes the answer stick.
                    CREATE TABLE orders.payments (
                        order_id uuid PRIMARY KEY REFERENCES orders.orders (id),
                        status text NOT NULL CHECK (status IN ('succeeded', 'declined')),
                        amount integer NOT NULL,
                        currency char(3) NOT NULL,
                        provider_reference text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now()
                    );
                    """
            ),
            Migration(
                version: 2,
                name: "sweeper bookkeeping",
                sql: """
                    -- When the sweeper last re-published a stuck order's order.placed, and how often.
                    ALTER TABLE orders.orders
                        ADD COLUMN last_redriven_at timestamptz,
                        ADD COLUMN redrive_count integer NOT NULL DEFAULT 0;
                    """
            ),
            Migration(
                version: 3,
                name: "checkout details, idempotency keys, cancel and ship, every payment attempt",
                sql: """
                    ALTER TABLE orders.orders DROP CONSTRAINT orders_status_check;
                    ALTER TABLE orders.orders ADD CONSTRAINT orders_status_check CHECK (status IN (
                        'pending', 'reserved', 'confirmed', 'rejected', 'payment_failed', 'failed', 'cancelled', 'shipped'));
                    -- How to pay and where to ship (NULL on orders placed before checkout took them);
                    -- when a cancelled order's compensation (stock, refund, email) was enqueued.
                    ALTER TABLE orders.orders
                        ADD COLUMN payment_method text,
                        ADD COLUMN shipping_address jsonb,
                        ADD COLUMN compensated_at timestamptz;
                    CREATE INDEX orders_uncompensated ON orders.orders (updated_at) WHERE status = 'cancelled' AND compensated_at IS NULL;

                    -- Idempotency-Key of POST /orders/checkout, per user, kept with the request it
                    -- answered: the same key and body replay the order, another body is refused.
                    CREATE TABLE orders.idempotency_keys (
                        user_id uuid NOT NULL,
                        key text NOT NULL,
                        request text NOT NULL,
                        order_id uuid NOT NULL REFERENCES orders.orders (id) ON DELETE CASCADE,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (user_id, key)
                    );

                    -- payments: one row per attempt with the provider (charges and refunds),
                    -- with at most one final charge and one refund per order.
                    ALTER TABLE orders.payments DROP CONSTRAINT payments_pkey;
                    ALTER TABLE orders.payments DROP CONSTRAINT payments_status_check;
                    ALTER TABLE orders.payments
                        ADD COLUMN id bigserial PRIMARY KEY,
                        ADD COLUMN kind text NOT NULL DEFAULT 'charge' CHECK (kind IN ('charge', 'refund')),
                        ADD COLUMN payment_method text,
                        ADD COLUMN reason text,
                        ADD CONSTRAINT payments_status_check CHECK (status IN ('succeeded', 'declined', 'failed')),
                        ALTER COLUMN provider_reference DROP NOT NULL;
                    UPDATE orders.payments SET reason = provider_reference, provider_reference = NULL WHERE status = 'declined';
                    CREATE UNIQUE INDEX payments_one_charge ON orders.payments (order_id)
                        WHERE kind = 'charge' AND status IN ('succeeded', 'declined');
                    CREATE UNIQUE INDEX payments_one_refund ON orders.payments (order_id) WHERE kind = 'refund' AND status = 'succeeded';
                    CREATE INDEX payments_order ON orders.payments (order_id, id);
                    """
            ),
            Migration(
                version: 4,
                name: "tracking number of a shipped order",
                sql: "ALTER TABLE orders.orders ADD COLUMN tracking_number text;"
            ),
        ]
    )
}
