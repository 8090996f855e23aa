import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// Orders, their lines and their status history in the `orders` schema.
public struct OrderRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// Stores a new `pending` order with its lines and first history entry, in one transaction.
    public func create(_ order: Order) async throws {
        let dto = order.dto
        try await database.transaction { connection in
            try await connection.query(
                """
                INSERT INTO orders.orders (id, user_id, email, status, total_amount, currency, created_at, updated_at)
                VALUES (\(dto.id), \(dto.userId), \(order.email), \(dto.status.rawValue), \(dto.total.amount), \(dto.total.currency),
                        \(dto.createdAt), \(dto.updatedAt))
                """)
            let numbers = Array(1...dto.lines.count)
            try await connection.query(
                """
                INSERT INTO orders.order_lines (order_id, line_number, product_id, sku, name, unit_price, quantity)
                SELECT \(dto.id), * FROM unnest(\(numbers)::int[], \(dto.lines.map(\.productId))::uuid[], \(dto.lines.map(\.sku))::text[],
                                              \(dto.lines.map(\.name))::text[], \(dto.lines.map(\.unitPrice.amount))::int[],
                                              \(dto.lines.map(\.quantity))::int[])
                """)
            try await connection.query(
                "INSERT INTO orders.order_status_history (order_id, to_status, reason) VALUES (\(dto.id), \(dto.status.rawValue), 'checkout')")
        }
    }

    /// The order with this id, if any.
    public func find(id: UUID) async throws -> Order? {
        let orderRows = try await database.query(
            """
            SELECT id, user_id, email, status, status_reason, total_amount, currency, created_at, updated_at
            FROM orders.orders WHERE id = \(id)
            """)
        var found: (UUID, UUID, String, String, String?, Int, String, Date, Date)?
        for row in try orderRows.decode((UUID, UUID, String, String, String?, Int, String, Date, Date).self) {
            found = row
        }
        guard let (orderId, userId, email, statusText, reason, total, currency, created, updated) = found else { return nil }
        guard let status = OrderStatus(rawValue: statusText) else {
            throw OrderStoreError.corrupt("order \(orderId) has unknown status '\(statusText)'")
        }
        let currencyCode = currency.trimmingCharacters(in: .whitespaces)
        let lineRows = try await database.query(
            "SELECT product_id, sku, name, unit_price, quantity FROM orders.order_lines WHERE order_id = \(id) ORDER BY line_number")
        var lines: [OrderLineDTO] = []
        for (productId, sku, name, price, quantity) in try lineRows.decode((UUID, String, String, Int, Int).self) {
            lines.append(
                OrderLineDTO(productId: productId, sku: sku, name: name, unitPrice: Money(amount: price, currency: currencyCode), quantity: quantity)
            )
        }
        let dto = OrderDTO(
            id: orderId, userId: userId, status: status, lines: lines, total: Money(amount: total, currency: currencyCode),
            statusReason: reason, createdAt: created, updatedAt: updated
        )
        return Order(dto: dto, email: email)
    }

    /// Moves the order to `status` if it is now in one of `from`, recording the change in its
    /// history, in one transaction. Returns whether it moved: the state guard that makes every
    /// saga step idempotent.
    @discardableResult
    public func transition(_ id: UUID, from: Set<OrderStatus>, to status: OrderStatus, reason: String?) async throws -> Bool {
        let allowed = from.map(\.rawValue)
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                WITH previous AS (
                    SELECT status FROM orders.orders WHERE id = \(id) AND status = ANY(\(allowed)::text[]) FOR UPDATE
                ), updated AS (
                    UPDATE orders.orders o SET status = \(status.rawValue), status_reason = \(reason), updated_at = now()
                    FROM previous WHERE o.id = \(id)
                    RETURNING previous.status AS from_status
                )
                INSERT INTO orders.order_status_history (order_id, from_status, to_status, reason)
                SELECT \(id), from_status, \(status.rawValue), \(reason) FROM updated
                RETURNING id
                """)
            for _ in rows { return true }
            return false
        }
    }
}

/// The orders store holds something it cannot understand.
public enum OrderStoreError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let reason): "orders storage: \(reason)"
        }
    }
}
