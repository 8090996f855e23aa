import Contracts
import Foundation
import PostgresNIO
import Storage

extension InventoryRepository {
    /// Gives back everything a cancelled order holds or took: held stock is released (as
    /// ``release(orderId:reason:)`` does, leaving a tombstone when nothing was reserved yet);
    /// stock already committed is put back into `available` with an `adjust_in` ledger entry
    /// referencing the order (the ledger's unique `(order, product, kind)` makes it once only).
    /// Either order of a concurrent commit and this return ends with the stock back exactly.
    /// Returns the products whose stock changed.
    public func returnStock(orderId: UUID, reason: String) async throws -> [UUID] {
        let released = try await release(orderId: orderId, reason: reason)
        guard released.isEmpty else { return released }
        return try await database.transaction { connection in
            let statusRows = try await connection.query(
                "SELECT status FROM catalog.reservations WHERE order_id = \(orderId) FOR UPDATE")
            var status = ""
            for value in try statusRows.decode(String.self) { status = value }
            guard status == "committed" else { return [] }
            let restocked = try await connection.query(
                """
                WITH taken AS (
                    SELECT product_id, -reserved_change AS quantity
                    FROM catalog.inventory_ledger
                    WHERE order_id = \(orderId) AND kind = 'commit'
                ), recorded AS (
                    INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reserved_change, order_id, reason)
                    SELECT product_id, 'adjust_in', quantity, 0, \(orderId), \(reason) FROM taken
                    ON CONFLICT (order_id, product_id, kind) DO NOTHING
                    RETURNING product_id, available_change
                )
                UPDATE catalog.inventory i SET available = i.available + r.available_change, updated_at = now()
                FROM recorded r WHERE i.product_id = r.product_id
                RETURNING i.product_id
                """)
            var productIds: [UUID] = []
            for productId in try restocked.decode(UUID.self) { productIds.append(productId) }
            return productIds
        }
    }
}
