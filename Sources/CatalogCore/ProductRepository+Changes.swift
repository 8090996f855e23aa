import Contracts
import Foundation
import PostgresNIO
import Storage

/// What an admin's change to a product did.
public enum ProductChangeResult: Sendable {
    case changed(ProductDTO)
    /// No active product has this id (never created, or deleted).
    case notFound
    /// Another product already has the SKU.
    case skuTaken
}

/// What a bulk creation did: all the products, or none of them.
public enum BulkCreationResult: Sendable {
    case created([ProductDTO])
    /// Nothing was written: the rows at these positions have a SKU that is already taken.
    case skuTaken(positions: [Int])
}

extension ProductRepository {
    /// Changes the descriptive fields of an active product: each `nil` field keeps its value.
    /// Stock is never changed here (see ``InventoryAdjustmentRepository``).
    public func update(
        id: UUID, sku: String?, name: String?, description: String?, category: String?, price: Money?
    ) async throws -> ProductChangeResult {
        do {
            return try await database.transaction { connection -> ProductChangeResult in
                let updated = try await connection.query(
                    """
                    UPDATE catalog.products
                    SET sku = coalesce(\(sku), sku), name = coalesce(\(name), name),
                        description = coalesce(\(description), description), category = coalesce(\(category), category),
                        price_amount = coalesce(\(price?.amount), price_amount), currency = coalesce(\(price?.currency), currency),
                        updated_at = now()
                    WHERE id = \(id) AND active
                    RETURNING id
                    """)
                var found = false
                for _ in updated { found = true }
                guard found, let product = try await Self.product(id: id, on: connection) else { return .notFound }
                return .changed(product)
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            return .skuTaken
        }
    }

    /// Takes an active product out of the catalog: no longer listed or orderable, still
    /// readable by id (with `active: false`) for the orders that hold it. `false` if there
    /// was no active product with this id.
    public func deactivate(id: UUID) async throws -> Bool {
        let rows = try await database.query(
            "UPDATE catalog.products SET active = false, updated_at = now() WHERE id = \(id) AND active RETURNING id")
        return !rows.isEmpty
    }

    /// Creates every product with its initial stock in ONE transaction, or none of them.
    public func createAll(_ requests: [CreateProductRequest], reason: String = "initial stock (bulk)") async throws -> BulkCreationResult {
        do {
            return .created(
                try await database.transaction { connection -> [ProductDTO] in
                    var created: [ProductDTO] = []
                    var taken: [Int] = []
                    for (position, request) in requests.enumerated() {
                        if let product = try await Self.insert(request, id: UUID(), reason: reason, on: connection) {
                            created.append(product)
                        } else {
                            taken.append(position)
                        }
                    }
                    guard taken.isEmpty else { throw BulkRollback(positions: taken) }  // rolls everything back
                    return created
                })
        } catch let rollback as BulkRollback {
            return .skuTaken(positions: rollback.positions)
        }
    }
}

/// Thrown inside a bulk creation's transaction to roll it back, carrying the rows at fault.
struct BulkRollback: Error {
    var positions: [Int]
}

extension PSQLError {
    /// A `UNIQUE` constraint refused the write (SQLSTATE 23505).
    var isUniqueViolation: Bool {
        code == .server && serverInfo?[.sqlState] == "23505"
    }
}
