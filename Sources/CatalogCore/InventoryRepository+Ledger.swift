import Contracts
import Foundation
import PostgresNIO
import Storage

extension InventoryRepository {
    /// The product's stock now; `nil` if there is no such product.
    public func stock(productId: UUID) async throws -> InventoryDTO? {
        let rows = try await database.query(
            "SELECT product_id, available, reserved, updated_at FROM catalog.inventory WHERE product_id = \(productId)")
        return try rows.decode((UUID, Int, Int, Date).self).first.map {
            InventoryDTO(productId: $0.0, available: $0.1, reserved: $0.2, updatedAt: $0.3)
        }
    }

    /// One page of the product's ledger, newest movement first, with the total count.
    public func history(productId: UUID, page: Int, limit: Int) async throws -> Page<InventoryMovementDTO> {
        let offset = (page - 1) * limit
        let rows = try await database.query(
            """
            SELECT id, kind, available_change, reserved_change, reason, order_id, adjustment_id, created_at
            FROM catalog.inventory_ledger
            WHERE product_id = \(productId)
            ORDER BY id DESC
            LIMIT \(limit) OFFSET \(offset)
            """)
        let movements = try rows.decode((Int, String, Int, Int, String?, UUID?, UUID?, Date).self).map {
            InventoryMovementDTO(
                id: $0.0, kind: $0.1, availableChange: $0.2, reservedChange: $0.3, reason: $0.4, orderId: $0.5, adjustmentId: $0.6,
                createdAt: $0.7
            )
        }
        let countRows = try await database.query("SELECT count(*)::int FROM catalog.inventory_ledger WHERE product_id = \(productId)")
        var total = 0
        for count in try countRows.decode(Int.self) { total = count }
        return Page(items: movements, page: page, limit: limit, total: total)
    }
}
