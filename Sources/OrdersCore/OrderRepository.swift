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
    /// With an idempotency key, the key is stored in the same transaction; if the caller already
    /// used it, nothing is stored and the earlier order is returned instead.
    @discardableResult
    public func create(_ order: Order, idempotency: IdempotencyKey? = nil) async throws -> CreateOutcome {
        let dto = order.dto
        let address = try dto.shippingAddress.map { String(decoding: try MessageCoding.encoder.encode($0), as: UTF8.self) }
        do {
            return try await database.transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO orders.orders (id, user_id, email, status, total_amount, currency, payment_method, shipping_address,
                                               created_at, updated_at)
                    VALUES (\(dto.id), \(dto.userId), \(order.email), \(dto.status.rawValue), \(dto.total.amount), \(dto.total.currency),
                            \(order.paymentMethod), \(address)::jsonb, \(dto.createdAt), \(dto.updatedAt))
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
                if let idempotency {
                    let stored = try await connection.query(
                        """
                        INSERT INTO orders.idempotency_keys (user_id, key, request, order_id)
                        VALUES (\(dto.userId), \(idempotency.key), \(idempotency.request), \(dto.id))
                        ON CONFLICT (user_id, key) DO NOTHING
                        RETURNING order_id
                        """)
                    var inserted = false
                    for _ in stored { inserted = true }
                    // A concurrent request with the same key won: undo this order.
                    guard inserted else { throw KeyAlreadyUsed() }
                }
                return .created
            }
        } catch is KeyAlreadyUsed {
            guard let idempotency, let earlier = try await checkout(userId: dto.userId, key: idempotency.key) else {
                throw OrderStoreError.corrupt("idempotency key of user \(dto.userId) conflicted but cannot be read")
            }
            return .replay(earlier)
        }
    }

    /// The order with this id, if any; with its status history when `withHistory`.
    public func find(id: UUID, withHistory: Bool = false) async throws -> Order? {
        let orderRows = try await database.query(
            """
            SELECT \(unescaped: Self.orderColumns) FROM orders.orders WHERE id = \(id)
            """)
        guard var order = try decodeOrders(orderRows).first else { return nil }
        order.dto.lines = try await lines(of: [id])[id] ?? []
        if withHistory {
            order.dto.history = try await history(of: id)
        }
        return order
    }

    /// Moves the order to `status` if it is now in one of `from`, recording the change in its
    /// history, in one transaction. Returns whether it moved: the state guard that makes every
    /// saga step idempotent.
    @discardableResult
    public func transition(_ id: UUID, from: Set<OrderStatus>, to status: OrderStatus, reason: String?) async throws -> Bool {
        try await database.transaction { connection in
            try await Self.transition(id, from: from, to: status, reason: reason, on: connection)
        }
    }

    /// Moves a `confirmed` order to `shipped`, with its tracking number if it has one; false
    /// if the order was not `confirmed`.
    public func ship(_ id: UUID, trackingNumber: String?) async throws -> Bool {
        try await database.transaction { connection in
            let reason = trackingNumber.map { "tracking \($0)" } ?? "shipped"
            guard try await Self.transition(id, from: [.confirmed], to: .shipped, reason: reason, on: connection) else { return false }
            try await connection.query("UPDATE orders.orders SET tracking_number = \(trackingNumber) WHERE id = \(id)")
            return true
        }
    }

    /// ``transition(_:from:to:reason:)`` inside a transaction the caller holds.
    static func transition(_ id: UUID, from: Set<OrderStatus>, to status: OrderStatus, reason: String?, on connection: DatabaseConnection)
        async throws -> Bool
    {
        let allowed = from.map(\.rawValue)
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

    // MARK: - Reading rows

    static let orderColumns = """
        id, user_id, email, status, status_reason, total_amount, currency, payment_method, shipping_address::text, tracking_number,
        created_at, updated_at
        """

    /// Decodes rows of ``orderColumns`` (without lines or history).
    func decodeOrders(_ rows: [PostgresRow]) throws -> [Order] {
        var orders: [Order] = []
        let columns = (UUID, UUID, String, String, String?, Int, String, String?, String?, String?, Date, Date).self
        for (id, userId, email, statusText, reason, total, currency, method, addressText, tracking, created, updated) in try rows.decode(columns) {
            guard let status = OrderStatus(rawValue: statusText) else {
                throw OrderStoreError.corrupt("order \(id) has unknown status '\(statusText)'")
            }
            let address = try addressText.map { try MessageCoding.decoder.decode(ShippingAddress.self, from: Data($0.utf8)) }
            let dto = OrderDTO(
                id: id, userId: userId, status: status, lines: [],
                total: Money(amount: total, currency: currency.trimmingCharacters(in: .whitespaces)),
                statusReason: reason, shippingAddress: address, trackingNumber: tracking, createdAt: created, updatedAt: updated
            )
            orders.append(Order(dto: dto, email: email, paymentMethod: method))
        }
        return orders
    }

    /// The lines of each of the orders, in line order.
    func lines(of orderIds: [UUID]) async throws -> [UUID: [OrderLineDTO]] {
        let rows = try await database.query(
            """
            SELECT l.order_id, l.product_id, l.sku, l.name, l.unit_price, l.quantity, o.currency
            FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id
            WHERE l.order_id = ANY(\(orderIds)) ORDER BY l.order_id, l.line_number
            """)
        var lines: [UUID: [OrderLineDTO]] = [:]
        for (orderId, productId, sku, name, price, quantity, currency) in try rows.decode((UUID, UUID, String, String, Int, Int, String).self) {
            let unitPrice = Money(amount: price, currency: currency.trimmingCharacters(in: .whitespaces))
            lines[orderId, default: []].append(
                OrderLineDTO(productId: productId, sku: sku, name: name, unitPrice: unitPrice, quantity: quantity))
        }
        return lines
    }

    /// The order's status changes, oldest first.
    func history(of orderId: UUID) async throws -> [OrderStatusChangeDTO] {
        let rows = try await database.query(
            """
            SELECT from_status, to_status, reason, created_at FROM orders.order_status_history
            WHERE order_id = \(orderId) ORDER BY id
            """)
        var changes: [OrderStatusChangeDTO] = []
        for (from, to, reason, at) in try rows.decode((String?, String, String?, Date).self) {
            guard let toStatus = OrderStatus(rawValue: to) else {
                throw OrderStoreError.corrupt("order \(orderId) has a history entry with unknown status '\(to)'")
            }
            changes.append(OrderStatusChangeDTO(from: from.flatMap(OrderStatus.init(rawValue:)), to: toStatus, reason: reason, at: at))
        }
        return changes
    }
}

/// What ``OrderRepository/create(_:idempotency:)`` did.
public enum CreateOutcome: Sendable, Hashable {
    /// The order is stored.
    case created
    /// The idempotency key was used before (by a concurrent request); nothing was stored.
    case replay(IdempotentCheckout)
}

/// Thrown inside the creating transaction to roll it back when the key is taken.
private struct KeyAlreadyUsed: Error {}

/// The orders store holds something it cannot understand.
public enum OrderStoreError: Error, CustomStringConvertible {
    case corrupt(String)

    public var description: String {
        switch self {
        case .corrupt(let reason): "orders storage: \(reason)"
        }
    }
}
