import Contracts
import Foundation
import PostgresNIO
import Storage

extension InventoryRepository {
    /// Gives back what is held for each order, in ONE transaction. Returns, per order, the
    /// products whose stock changed (absent when nothing was held). A release that arrives
    /// before its reservation leaves a tombstone, so the late reservation holds nothing.
    public func release(_ orders: [(orderId: UUID, reason: String)]) async throws -> [UUID: [UUID]] {
        try await settle(orders, kind: "release", newStatus: "released")
    }

    /// Makes each order's held stock permanently gone (the orders are paid), in ONE
    /// transaction. Returns, per order, the products whose counts changed (absent when
    /// nothing was held).
    public func commit(orderIds: [UUID]) async throws -> [UUID: [UUID]] {
        try await settle(orderIds.map { ($0, "order confirmed") }, kind: "commit", newStatus: "committed")
    }

    /// Moves the `reserved` reservations of the orders to `newStatus`, applying the ledger's
    /// `kind` movement (`release` returns the held units to `available`; `commit` drops them
    /// from `reserved`), and leaves a tombstone for an order that has no reservation yet.
    /// A batch costs five statements and one commit however many orders it holds; the
    /// reservations, then the inventory rows, are locked in id order, as reservations lock
    /// them, so concurrent batches cannot deadlock.
    private func settle(_ orders: [(orderId: UUID, reason: String)], kind: String, newStatus: String) async throws -> [UUID: [UUID]] {
        let reasons = Dictionary(orders.map { ($0.orderId, $0.reason) }) { first, _ in first }
        let ids = reasons.keys.sorted { $0.uuidString < $1.uuidString }
        guard !ids.isEmpty else { return [:] }
        let idReasons = ids.map { reasons[$0] ?? "" }
        return try await database.transaction { connection in
            let tombstoned = try await connection.query(
                """
                INSERT INTO catalog.reservations (order_id, status, reason)
                SELECT order_id, \(newStatus), reason FROM unnest(\(ids)::uuid[], \(idReasons)::text[]) AS t(order_id, reason)
                ON CONFLICT (order_id) DO NOTHING
                RETURNING order_id
                """)
            let nothingHeld = Set(try tombstoned.decode(UUID.self))
            let rest = ids.filter { !nothingHeld.contains($0) }
            guard !rest.isEmpty else { return [:] }
            let heldRows = try await connection.query(
                """
                SELECT order_id FROM catalog.reservations
                WHERE order_id = ANY(\(rest)) AND status = 'reserved' ORDER BY order_id FOR UPDATE
                """)
            let held = try heldRows.decode(UUID.self)
            guard !held.isEmpty else { return [:] }
            let heldReasons = held.map { reasons[$0] ?? "" }
            try await connection.query(
                """
                SELECT i.product_id FROM catalog.inventory i
                WHERE i.product_id IN (SELECT product_id FROM catalog.inventory_ledger WHERE order_id = ANY(\(held)) AND kind = 'reserve')
                ORDER BY i.product_id FOR UPDATE
                """)
            let returnsStock = kind == "release"
            let moved = try await connection.query(
                """
                WITH held AS (
                    SELECT order_id, product_id, reserved_change AS quantity
                    FROM catalog.inventory_ledger
                    WHERE order_id = ANY(\(held)) AND kind = 'reserve'
                ), totals AS (
                    SELECT product_id, sum(quantity)::int AS quantity FROM held GROUP BY product_id
                ), moved AS (
                    UPDATE catalog.inventory i
                    SET available = i.available + CASE WHEN \(returnsStock) THEN d.quantity ELSE 0 END, reserved = i.reserved - d.quantity,
                        updated_at = now()
                    FROM totals d WHERE i.product_id = d.product_id
                    RETURNING i.product_id
                )
                INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reserved_change, order_id, reason)
                SELECT h.product_id, \(kind), CASE WHEN \(returnsStock) THEN h.quantity ELSE 0 END, -h.quantity, h.order_id, r.reason
                FROM held h
                JOIN moved m ON m.product_id = h.product_id
                JOIN unnest(\(held)::uuid[], \(heldReasons)::text[]) AS r(order_id, reason) ON r.order_id = h.order_id
                RETURNING order_id, product_id
                """)
            var products: [UUID: [UUID]] = [:]
            for (orderId, productId) in try moved.decode((UUID, UUID).self) { products[orderId, default: []].append(productId) }
            try await connection.query(
                """
                UPDATE catalog.reservations r SET status = \(newStatus), reason = d.reason, updated_at = now()
                FROM unnest(\(held)::uuid[], \(heldReasons)::text[]) AS d(order_id, reason)
                WHERE r.order_id = d.order_id
                """)
            return products
        }
    }
}
