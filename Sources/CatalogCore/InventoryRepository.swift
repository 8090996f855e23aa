import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// What became of an order's reservation. Decided once per order and then only repeated.
public enum ReservationOutcome: Sendable, Hashable {
    /// Every line is held for the order.
    case reserved
    /// Nothing is held: some line was short, or the order was released first.
    case rejected(reason: String, shortages: [StockShortage])
}

/// Stock reservations, releases and commits: each one transaction, each recorded in the
/// ledger, each idempotent per order.
public struct InventoryRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// Reserves stock for each order, all or nothing per order, in ONE transaction, serving
    /// the orders in the order given. The product rows are locked (in id order, so concurrent
    /// batches cannot deadlock) before anything is checked, and the table's
    /// `CHECK (available >= 0)` makes overselling impossible even for a buggy caller.
    /// An order that already has an outcome gets that outcome again.
    public func reserve(_ requests: [ReserveInventory]) async throws -> [UUID: ReservationOutcome] {
        try await database.transaction { connection in
            var outcomes = try await existingOutcomes(of: requests.map(\.orderId), on: connection)
            var planner = ReservationPlanner(available: [:])
            let pending = requests.filter { outcomes[$0.orderId] == nil }
            guard !pending.isEmpty else { return outcomes }

            planner.available = try await lockInventory(of: pending.flatMap { $0.lines.map(\.productId) }, on: connection)
            var decided: [(orderId: UUID, outcome: ReservationOutcome)] = []
            for request in pending where outcomes[request.orderId] == nil {
                let outcome = planner.reserve(request)
                outcomes[request.orderId] = outcome
                decided.append((request.orderId, outcome))
            }
            try await apply(planner.movements, decided: decided, on: connection)
            return outcomes
        }
    }

    /// Gives back what is held for the order. Returns the products whose stock changed
    /// (empty when nothing was held). A release that arrives before its reservation leaves a
    /// tombstone, so the late reservation holds nothing. (``release(_:)`` does many at once.)
    public func release(orderId: UUID, reason: String) async throws -> [UUID] {
        try await release([(orderId, reason)])[orderId] ?? []
    }

    /// Makes the order's held stock permanently gone (the order is paid). Returns the products
    /// whose counts changed; empty if nothing was held. (``commit(orderIds:)`` does many at once.)
    public func commit(orderId: UUID) async throws -> [UUID] {
        try await commit(orderIds: [orderId])[orderId] ?? []
    }

    // MARK: - Steps

    private func existingOutcomes(of orderIds: [UUID], on connection: DatabaseConnection) async throws -> [UUID: ReservationOutcome] {
        let rows = try await connection.query(
            "SELECT order_id, status, coalesce(reason, '') FROM catalog.reservations WHERE order_id = ANY(\(orderIds))")
        var outcomes: [UUID: ReservationOutcome] = [:]
        for (orderId, status, reason) in try rows.decode((UUID, String, String).self) {
            switch status {
            case "reserved", "committed": outcomes[orderId] = .reserved
            case "released": outcomes[orderId] = .rejected(reason: "the order was released before stock was reserved", shortages: [])
            default: outcomes[orderId] = .rejected(reason: reason, shortages: [])
            }
        }
        return outcomes
    }

    /// Locks the inventory rows of the active products among `productIds` and returns what is
    /// available of each. Unknown and inactive products are absent (nothing can be reserved).
    private func lockInventory(of productIds: [UUID], on connection: DatabaseConnection) async throws -> [UUID: Int] {
        let ids = Array(Set(productIds))
        let rows = try await connection.query(
            """
            SELECT i.product_id, i.available
            FROM catalog.inventory i JOIN catalog.products p ON p.id = i.product_id
            WHERE i.product_id = ANY(\(ids)) AND p.active
            ORDER BY i.product_id
            FOR UPDATE OF i
            """)
        var available: [UUID: Int] = [:]
        for (productId, count) in try rows.decode((UUID, Int).self) {
            available[productId] = count
        }
        return available
    }

    private func apply(
        _ movements: [ReservationPlanner.Movement],
        decided: [(orderId: UUID, outcome: ReservationOutcome)],
        on connection: DatabaseConnection
    ) async throws {
        if !movements.isEmpty {
            let productIds = movements.map(\.productId)
            let quantities = movements.map(\.quantity)
            let orderIds = movements.map(\.orderId)
            try await connection.query(
                """
                UPDATE catalog.inventory i
                SET available = i.available - d.quantity, reserved = i.reserved + d.quantity, updated_at = now()
                FROM (SELECT product_id, sum(quantity)::int AS quantity
                      FROM unnest(\(productIds)::uuid[], \(quantities)::int[]) AS m(product_id, quantity)
                      GROUP BY product_id) d
                WHERE i.product_id = d.product_id
                """)
            try await connection.query(
                """
                INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reserved_change, order_id, reason)
                SELECT product_id, 'reserve', -quantity, quantity, order_id, 'order checkout'
                FROM unnest(\(productIds)::uuid[], \(quantities)::int[], \(orderIds)::uuid[]) AS m(product_id, quantity, order_id)
                """)
        }
        let orderIds = decided.map(\.orderId)
        let statuses = decided.map { if case .reserved = $0.outcome { "reserved" } else { "rejected" } }
        let reasons = decided.map { if case .rejected(let reason, _) = $0.outcome { reason } else { "" } }
        try await connection.query(
            """
            INSERT INTO catalog.reservations (order_id, status, reason)
            SELECT order_id, status, nullif(reason, '')
            FROM unnest(\(orderIds)::uuid[], \(statuses)::text[], \(reasons)::text[]) AS r(order_id, status, reason)
            """)
    }
}
