import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// Products and their available stock in the `catalog` schema.
public struct ProductRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// Creates a product with its initial stock (recorded in the ledger); `nil` if the SKU is taken.
    public func create(_ request: CreateProductRequest, id: UUID = UUID(), reason: String = "initial stock") async throws -> ProductDTO? {
        try await database.transaction { connection -> ProductDTO? in
            try await Self.insert(request, id: id, reason: reason, on: connection)
        }
    }

    /// Inserts a product, its inventory row and its initial ledger movement; `nil` (and
    /// nothing written) if the SKU is taken.
    static func insert(_ request: CreateProductRequest, id: UUID, reason: String, on connection: DatabaseConnection) async throws -> ProductDTO? {
        let inserted = try await connection.query(
            """
            INSERT INTO catalog.products (id, sku, name, description, category, price_amount, currency)
            VALUES (\(id), \(request.sku), \(request.name), \(request.description ?? ""), \(request.category),
                    \(request.price.amount), \(request.price.currency))
            ON CONFLICT (sku) DO NOTHING
            RETURNING id
            """)
        var created = false
        for _ in inserted { created = true }
        guard created else { return nil }
        try await connection.query(
            "INSERT INTO catalog.inventory (product_id, available) VALUES (\(id), \(request.stock))")
        try await connection.query(
            """
            INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reason)
            VALUES (\(id), 'initial', \(request.stock), \(reason))
            """)
        return try await product(id: id, on: connection)
    }

    /// The product with this id, active or not.
    public func find(id: UUID) async throws -> ProductDTO? {
        try await database.withConnection { connection in
            try await Self.product(id: id, on: connection)
        }
    }

    /// The product with this SKU, active or not.
    public func find(sku: String) async throws -> ProductDTO? {
        let rows = try await database.query("\(unescaped: Self.selectColumns) WHERE p.sku = \(sku)")
        return try Self.products(from: rows).first
    }

    static let selectColumns = """
        SELECT p.id, p.sku, p.name, p.description, p.category, p.price_amount, p.currency,
               coalesce(i.available, 0), p.active, p.created_at, p.updated_at
        FROM catalog.products p LEFT JOIN catalog.inventory i ON i.product_id = p.id
        """

    static func product(id: UUID, on connection: DatabaseConnection) async throws -> ProductDTO? {
        let rows = try await connection.query("\(unescaped: selectColumns) WHERE p.id = \(id)")
        return try products(from: rows).first
    }

    static func products(from rows: [PostgresRow]) throws -> [ProductDTO] {
        var products: [ProductDTO] = []
        let decoded = try rows.decode((UUID, String, String, String, String, Int, String, Int, Bool, Date, Date).self)
        for (id, sku, name, description, category, amount, currency, stock, active, created, updated) in decoded {
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
