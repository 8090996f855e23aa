import Contracts
import Foundation
import Storage

extension OrderRepository {
    /// The orders with these ids that exist, with their lines (no history): two queries
    /// whatever the number of orders, for a worker that handles a batch of them.
    public func find(ids: [UUID]) async throws -> [UUID: Order] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let orderRows = try await database.query(
            """
            SELECT \(unescaped: Self.orderColumns) FROM orders.orders WHERE id = ANY(\(unique))
            """)
        var orders: [UUID: Order] = [:]
        for order in try decodeOrders(orderRows) {
            orders[order.id] = order
        }
        guard !orders.isEmpty else { return [:] }
        let lines = try await lines(of: Array(orders.keys))
        for id in orders.keys {
            orders[id]?.dto.lines = lines[id] ?? []
        }
        return orders
    }
}

/// A status change decided by a caller that holds the order's row locked.
struct StatusChange: Sendable {
    let orderId: UUID
    let from: OrderStatus
    let to: OrderStatus
    let reason: String
}

extension OrderRepository {
    /// Applies status changes of several orders in two statements, inside a transaction that
    /// has locked their rows and decided the changes from their locked status. An order may
    /// change more than once (`pending` → `reserved` → `confirmed`): it ends in its last
    /// status and its history gets every step, in order.
    static func apply(_ changes: [StatusChange], on connection: DatabaseConnection) async throws {
        guard !changes.isEmpty else { return }
        var last: [UUID: StatusChange] = [:]
        for change in changes { last[change.orderId] = change }
        let finals = Array(last.values)
        try await connection.query(
            """
            UPDATE orders.orders o SET status = d.status, status_reason = d.reason, updated_at = now()
            FROM unnest(\(finals.map(\.orderId))::uuid[], \(finals.map(\.to.rawValue))::text[], \(finals.map(\.reason))::text[])
                 AS d(id, status, reason)
            WHERE o.id = d.id
            """)
        try await connection.query(
            """
            INSERT INTO orders.order_status_history (order_id, from_status, to_status, reason)
            SELECT order_id, from_status, to_status, reason
            FROM unnest(\(changes.map(\.orderId))::uuid[], \(changes.map(\.from.rawValue))::text[], \(changes.map(\.to.rawValue))::text[],
                        \(changes.map(\.reason))::text[]) WITH ORDINALITY AS c(order_id, from_status, to_status, reason, position)
            ORDER BY position
            """)
    }
}
