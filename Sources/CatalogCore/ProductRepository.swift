import Contracts
import Foundation
import Logging
import PostgresNIO

/// Products and their available stock in the `catalog` schema.
public struct ProductRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates a product with its initial stock (recorded in the ledger); `nil` if the SKU is taken.
    public func create(_ request: CreateProductRequest, id: UUID = UUID(), reason: String = "initial stock") async throws -> ProductDTO? {
        try await client.transaction(logger: logger) { connection in
                let inserted = try await connection.query(
                    """
                    INSERT INTO catalog.products (id, sku, name, description, category, price_amount, currency)
                    VALUES (\(id), \(request.sku), \(request.name), \(request.description ?? ""), \(request.category),
                            \(request.price.amount), \(request.price.currency))
                    ON CONFLICT (sku) DO NOTHING
                    RETURNING id
                    """,
                    logger: logger
                )
                var created = false
                for try await _ in inserted { created = true }
                guard created else { return nil }
                try await connection.query(
                    "INSERT INTO catalog.inventory (product_id, available) VALUES (\(id), \(request.stock))",
                    logger: logger
                )
                try await connection.query(
                    """
                    INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reason)
                    VALUES (\(id), 'initial', \(request.stock), \(reason))
                    """,
                    logger: logger
                )
                return try await Self.product(id: id, on: connection, logger: logger)
        }
    }

    /// The product with this id, active or not.
    public func find(id: UUID) async throws -> ProductDTO? {
        try await client.withConnection { connection in
            try await Self.product(id: id, on: connection, logger: logger)
        }
    }

    /// The product with this SKU, active or not.
    public func find(sku: String) async throws -> ProductDTO? {
        let rows = try await client.query("\(unescaped: Self.selectColumns) WHERE p.sku = \(sku)", logger: logger)
        return try await Self.products(from: rows).first
    }

    /// One page of active products, newest first, optionally in one category.
    public func list(page: Int, limit: Int, category: String?) async throws -> Page<ProductDTO> {
        let offset = (page - 1) * limit
        let rows = try await client.query(
            """
            \(unescaped: Self.selectColumns)
            WHERE p.active AND (\(category)::text IS NULL OR p.category = \(category))
            ORDER BY p.created_at DESC, p.id
            LIMIT \(limit) OFFSET \(offset)
            """,
            logger: logger
        )
        let items = try await Self.products(from: rows)
        let countRows = try await client.query(
            "SELECT count(*) FROM catalog.products p WHERE p.active AND (\(category)::text IS NULL OR p.category = \(category))",
            logger: logger
        )
        var total = 0
        for try await count in countRows.decode(Int.self) { total = count }
        return Page(items: items, page: page, limit: limit, total: total)
    }

    static let selectColumns = """
        SELECT p.id, p.sku, p.name, p.description, p.category, p.price_amount, p.currency,
               coalesce(i.available, 0), p.active, p.created_at, p.updated_at
        FROM catalog.products p LEFT JOIN catalog.inventory i ON i.product_id = p.id
        """

    static func product(id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ProductDTO? {
        let rows = try await connection.query("\(unescaped: selectColumns) WHERE p.id = \(id)", logger: logger)
        return try await products(from: rows).first
    }

    static func products(from rows: PostgresRowSequence) async throws -> [ProductDTO] {
        var products: [ProductDTO] = []
        let decoded = rows.decode((UUID, String, String, String, String, Int, String, Int, Bool, Date, Date).self)
        for try await (id, sku, name, description, category, amount, currency, stock, active, created, updated) in decoded {
            products.append(
                ProductDTO(
                    id: id, sku: sku, name: name, description: description, category: category,
                    price: Money(amount: amount, currency: currency.trimmingCharacters(in: .whitespaces)),
                    stock: stock, active: active, createdAt: created, updatedAt: updated
                )
            )
        }
        return products
    }
}
