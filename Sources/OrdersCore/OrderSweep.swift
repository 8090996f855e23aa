import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// Finds orders the saga left behind and decides what to do with them:
/// - `pending` longer than `redriveAfter` (its `order.placed` may never have been published,
///   or was lost): re-publish it; at most once per `redriveAfter`;
/// - `pending` longer than `expireAfter`: fail it (nothing was reserved, or a release makes sure);
/// - `reserved` longer than `reservationTimeout` (stock held, payment never finished): fail it
///   and release its stock;
/// - `cancelled` without a recorded compensation for longer than `redriveAfter` (its
///   `order.cancelled` was not confirmed by the broker): re-publish it.
///
/// One sweep is one transaction holding a transaction-scoped advisory lock, so when several
/// checkout workers run, only one sweeps at a time and no order is acted on twice. The
/// follow-up messages are published (and confirmed) before the transaction commits: if the
/// broker is down the sweep rolls back and the next one tries again.
public struct OrderSweep: Sendable {
    /// The ages that make an order stuck.
    public struct Limits: Sendable {
        public var redriveAfter: Duration
        public var expireAfter: Duration
        public var reservationTimeout: Duration
        /// The most orders of each kind one sweep handles.
        public var batchSize: Int

        public init(redriveAfter: Duration, expireAfter: Duration, reservationTimeout: Duration, batchSize: Int = 200) {
            self.redriveAfter = redriveAfter
            self.expireAfter = expireAfter
            self.reservationTimeout = reservationTimeout
            self.batchSize = batchSize
        }
    }

    /// What a sweep decided for one order.
    public enum Action: Sendable, Hashable {
        /// Publish `order.placed` again.
        case redrive(orderId: UUID, userId: UUID, lines: [StockLine])
        /// The order is now `failed`; give back whatever stock it may hold.
        case release(orderId: UUID, reason: String)
        /// Publish `order.cancelled` again: the cancelled order's compensation is not recorded.
        case compensate(orderId: UUID)
    }

    let database: Database
    let limits: Limits
    let logger: Logger

    public init(database: Database, limits: Limits) {
        self.database = database
        self.limits = limits
        self.logger = database.logger
    }

    /// Runs one sweep; `publish` must publish the actions' messages and return once the broker
    /// confirmed them. Returns the actions taken (empty when another worker holds the lock).
    @discardableResult
    public func sweep(publish: @escaping @Sendable ([Action]) async throws -> Void) async throws -> [Action] {
        try await database.transaction { connection in
            let locked = try await connection.query("SELECT pg_try_advisory_xact_lock(hashtext('orders.sweeper'))")
            var holdsLock = false
            for value in try locked.decode(Bool.self) { holdsLock = value }
            guard holdsLock else { return [] }

            var actions: [Action] = []
            actions += try await expire(
                status: .reserved, olderThan: limits.reservationTimeout, reason: "payment did not complete in time; stock released",
                on: connection
            )
            actions += try await expire(
                status: .pending, olderThan: limits.expireAfter, reason: "not processed in time", on: connection
            )
            actions += try await redrive(on: connection)
            actions += try await redriveCancellations(on: connection)
            if !actions.isEmpty {
                try await publish(actions)
            }
            return actions
        }
    }

    /// Fails orders in `status` untouched for longer than `age`, recording why.
    private func expire(status: OrderStatus, olderThan age: Duration, reason: String, on connection: DatabaseConnection) async throws -> [Action] {
        let rows = try await connection.query(
            """
            WITH stuck AS (
                SELECT id FROM orders.orders
                WHERE status = \(status.rawValue) AND updated_at < now() - make_interval(secs => \(Double(age.components.seconds)))
                ORDER BY updated_at LIMIT \(limits.batchSize)
                FOR UPDATE SKIP LOCKED
            ), failed AS (
                UPDATE orders.orders o SET status = 'failed', status_reason = \(reason), updated_at = now()
                FROM stuck WHERE o.id = stuck.id
                RETURNING o.id
            )
            INSERT INTO orders.order_status_history (order_id, from_status, to_status, reason)
            SELECT id, \(status.rawValue), 'failed', \(reason) FROM failed
            RETURNING order_id
            """)
        var actions: [Action] = []
        for orderId in try rows.decode(UUID.self) {
            actions.append(.release(orderId: orderId, reason: reason))
            logger.warning("order failed by the sweeper", metadata: ["order.id": "\(orderId)", "reason": "\(reason)"])
        }
        return actions
    }

    /// Marks `cancelled` orders whose compensation was never recorded as re-driven and returns them.
    private func redriveCancellations(on connection: DatabaseConnection) async throws -> [Action] {
        let age = Double(limits.redriveAfter.components.seconds)
        let rows = try await connection.query(
            """
            UPDATE orders.orders SET last_redriven_at = now(), redrive_count = redrive_count + 1
            WHERE id IN (
                SELECT id FROM orders.orders
                WHERE status = 'cancelled' AND compensated_at IS NULL AND updated_at < now() - make_interval(secs => \(age))
                  AND (last_redriven_at IS NULL OR last_redriven_at < now() - make_interval(secs => \(age)))
                ORDER BY updated_at LIMIT \(limits.batchSize)
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id
            """)
        var actions: [Action] = []
        for orderId in try rows.decode(UUID.self) {
            logger.warning("re-publishing a cancellation whose compensation is not recorded", metadata: ["order.id": "\(orderId)"])
            actions.append(.compensate(orderId: orderId))
        }
        return actions
    }

    /// Marks `pending` orders that have waited too long as re-driven and returns them.
    private func redrive(on connection: DatabaseConnection) async throws -> [Action] {
        let age = Double(limits.redriveAfter.components.seconds)
        let rows = try await connection.query(
            """
            UPDATE orders.orders SET last_redriven_at = now(), redrive_count = redrive_count + 1
            WHERE id IN (
                SELECT id FROM orders.orders
                WHERE status = 'pending' AND created_at < now() - make_interval(secs => \(age))
                  AND (last_redriven_at IS NULL OR last_redriven_at < now() - make_interval(secs => \(age)))
                ORDER BY created_at LIMIT \(limits.batchSize)
                FOR UPDATE SKIP LOCKED
            )
            RETURNING id, user_id, redrive_count
            """)
        var stuck: [(UUID, UUID)] = []
        for (orderId, userId, count) in try rows.decode((UUID, UUID, Int).self) {
            stuck.append((orderId, userId))
            logger.warning("re-publishing a stuck order", metadata: ["order.id": "\(orderId)", "redrive_count": "\(count)"])
        }
        guard !stuck.isEmpty else { return [] }
        let lineRows = try await connection.query(
            "SELECT order_id, product_id, quantity FROM orders.order_lines WHERE order_id = ANY(\(stuck.map(\.0))) ORDER BY order_id, line_number")
        var lines: [UUID: [StockLine]] = [:]
        for (orderId, productId, quantity) in try lineRows.decode((UUID, UUID, Int).self) {
            lines[orderId, default: []].append(StockLine(productId: productId, quantity: quantity))
        }
        return stuck.map { .redrive(orderId: $0.0, userId: $0.1, lines: lines[$0.0] ?? []) }
    }
}
