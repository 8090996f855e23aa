import Storage

/// The `catalog` schema: products, their inventory, the ledger of every stock movement,
/// and one reservation outcome per order.
public enum CatalogMigrations {
    public static let schema = SchemaMigrations(
        schema: "catalog",
        migrations: [
            Migration(
                version: 1,
                name: "products and inventory",
                sql: """
                    CREATE TABLE catalog.products (
                        id uuid PRIMARY KEY,
                        sku text NOT NULL UNIQUE,
                        name text NOT NULL,
                        description text NOT NULL DEFAULT '',
                        category text NOT NULL,
                        price_amount integer NOT NULL CHECK (price_amount >= 0),
                        currency char(3) NOT NULL,
                        active boolean NOT NULL DEFAULT true,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    CREATE INDEX products_category ON catalog.products (category) WHERE active;

                    -- No oversell, enforced by the database itself: stock can never go below zero.
                    CREATE TABLE catalog.inventory (
                        product_id uuid PRIMARY KEY REFERENCES catalog.products (id),
                        available integer NOT NULL CHECK (available >= 0),
                        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );

                    -- Every movement, with its reason and reference. One row per order, product
                    -- and kind: a redelivered reservation can never move stock twice.
                    CREATE TABLE catalog.inventory_ledger (
                        id bigserial PRIMARY KEY,
                        product_id uuid NOT NULL REFERENCES catalog.products (id),
                        kind text NOT NULL CHECK (kind IN ('initial', 'reserve', 'release', 'commit', 'adjust_in', 'adjust_out')),
                        available_change integer NOT NULL,
                        reserved_change integer NOT NULL DEFAULT 0,
                        order_id uuid,
                        reason text,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        UNIQUE (order_id, product_id, kind)
                    );
                    CREATE INDEX inventory_ledger_product ON catalog.inventory_ledger (product_id, id);

                    -- The outcome of each order's reservation, decided once: a redelivered
                    -- inventory.reserve gets the same answer, and a release that arrives first
                    -- leaves a tombstone so a late reserve holds nothing.
                    CREATE TABLE catalog.reservations (
                        order_id uuid PRIMARY KEY,
                        status text NOT NULL CHECK (status IN ('reserved', 'rejected', 'released', 'committed')),
                        reason text,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        updated_at timestamptz NOT NULL DEFAULT now()
                    );
                    """
            ),
            Migration(
                version: 2,
                name: "search, sort indexes and inventory adjustments",
                sql: """
                    -- Full-text search on name and description (english stemming: 'mugs' finds 'Mug').
                    ALTER TABLE catalog.products ADD COLUMN search tsvector
                        GENERATED ALWAYS AS (to_tsvector('english'::regconfig, name || ' ' || description)) STORED;
                    CREATE INDEX products_search ON catalog.products USING gin (search);
                    CREATE INDEX products_price ON catalog.products (price_amount, id) WHERE active;
                    CREATE INDEX products_name ON catalog.products (name, id) WHERE active;
                    CREATE INDEX products_created ON catalog.products (created_at DESC, id) WHERE active;

                    -- An admin's manual adjustment: recorded `pending` by the catalog service, then
                    -- applied or refused exactly once by the update-inventory worker.
                    CREATE TABLE catalog.inventory_adjustments (
                        id uuid PRIMARY KEY,
                        product_id uuid NOT NULL REFERENCES catalog.products (id),
                        type text NOT NULL CHECK (type IN ('IN', 'OUT')),
                        quantity integer NOT NULL CHECK (quantity > 0),
                        reason text NOT NULL,
                        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'applied', 'refused')),
                        refusal text,
                        requested_by uuid NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        settled_at timestamptz
                    );
                    CREATE INDEX inventory_adjustments_product ON catalog.inventory_adjustments (product_id, created_at);

                    -- At most one ledger movement per adjustment.
                    ALTER TABLE catalog.inventory_ledger
                        ADD COLUMN adjustment_id uuid UNIQUE REFERENCES catalog.inventory_adjustments (id);
                    """
            ),
        ]
    )
}
