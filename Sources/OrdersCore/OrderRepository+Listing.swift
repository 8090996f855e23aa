import Contracts
import Foundation
import PostgresNIO
import Storage

/// What `GET /orders` lists.
public struct OrderListQuery: Sendable, Hashable {
    /// Only this user's orders; `nil` for every user's (admins).
    public var userId: UUID?
    public var status: OrderStatus?
    public var offset: Int
    public var limit: Int

    public init(userId: UUID?, status: OrderStatus?, offset: Int, limit: Int) {
        self.userId = userId
        self.status = status
        self.offset = offset
        self.limit = limit
    }
}

extension OrderRepository {
    /// One page of orders, newest first, with their lines (no history), and how many match.
    public func list(_ query: OrderListQuery) async throws -> (orders: [Order], total: Int) {
        let status = query.status?.rawValue
        let countRows = try await database.query(
            """
            SELECT count(*)::int FROM orders.orders
            WHERE (\(query.userId)::uuid IS NULL OR user_id = \(query.userId)) AND (\(status)::text IS NULL OR status = \(status))
            """)
        var total = 0
        for value in try countRows.decode(Int.self) { total = value }
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.orderColumns) FROM orders.orders
            WHERE (\(query.userId)::uuid IS NULL OR user_id = \(query.userId)) AND (\(status)::text IS NULL OR status = \(status))
            ORDER BY created_at DESC, id
            OFFSET \(query.offset) LIMIT \(query.limit)
            """)
        var orders = try decodeOrders(rows)
        let lines = try await lines(of: orders.map(\.id))
        for index in orders.indices {
            orders[index].dto.lines = lines[orders[index].id] ?? []
        }
        return (orders, total)
    }
}
