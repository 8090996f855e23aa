import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// What applying an adjustment did.
public enum AdjustmentApplication: Sendable, Equatable {
    /// Applied now: the stock changed.
    case applied(InventoryAdjustmentDTO)
    /// Refused now (an `OUT` larger than the available stock): recorded, stock unchanged.
    case refused(InventoryAdjustmentDTO)
    /// Settled before (a redelivery): nothing changed.
    case alreadySettled(InventoryAdjustmentDTO)
    /// No adjustment has this id.
    case unknown
}

/// Manual stock adjustments: recorded `pending` by the catalog service, applied exactly once
/// by the `update-inventory` worker, each applied one a ledger movement.
public struct InventoryAdjustmentRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Records a pending adjustment of an active product; `nil` if there is no active product
    /// with this id.
    public func record(
        id: UUID = UUID(), productId: UUID, request: CreateInventoryAdjustmentRequest, requestedBy: UUID
    ) async throws -> InventoryAdjustmentDTO? {
        let rows = try await database.query(
            """
            INSERT INTO catalog.inventory_adjustments (id, product_id, type, quantity, reason, requested_by)
            SELECT \(id), p.id, \(request.type.rawValue), \(request.quantity), \(request.reason), \(requestedBy)
            FROM catalog.products p WHERE p.id = \(productId) AND p.active
            RETURNING \(unescaped: Self.columns)
            """)
        return try Self.adjustments(from: rows).first
    }

    /// The adjustment with this id, if it is one of this product's.
    public func find(id: UUID, productId: UUID) async throws -> InventoryAdjustmentDTO? {
        let rows = try await database.query(
            "SELECT \(unescaped: Self.columns) FROM catalog.inventory_adjustments WHERE id = \(id) AND product_id = \(productId)")
        return try Self.adjustments(from: rows).first
    }

    /// Applies a pending adjustment in one transaction: an `IN` adds to the available stock,
    /// an `OUT` takes from it if there is enough and is refused otherwise (stock never goes
    /// negative, and reserved units are never taken). Idempotent: a settled adjustment is
    /// only reported again.
    public func apply(id: UUID) async throws -> AdjustmentApplication {
        try await database.transaction { connection -> AdjustmentApplication in
            let locked = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM catalog.inventory_adjustments WHERE id = \(id) FOR UPDATE")
            guard let adjustment = try Self.adjustments(from: locked).first else { return .unknown }
            guard adjustment.status == .pending else { return .alreadySettled(adjustment) }

            let stockRows = try await connection.query(
                "SELECT available, reserved FROM catalog.inventory WHERE product_id = \(adjustment.productId) FOR UPDATE")
            let (available, reserved) = try stockRows.decode((Int, Int).self).first ?? (0, 0)
            let change = adjustment.type == .stockIn ? adjustment.quantity : -adjustment.quantity
            if available + change < 0 {
                let refusal = "only \(available) available (\(reserved) reserved for orders); cannot take out \(adjustment.quantity)"
                let rows = try await connection.query(
                    """
                    UPDATE catalog.inventory_adjustments SET status = 'refused', refusal = \(refusal), settled_at = now()
                    WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                    """)
                return .refused(try Self.adjustments(from: rows).first ?? adjustment)
            }
            let kind = adjustment.type == .stockIn ? "adjust_in" : "adjust_out"
            try await connection.query(
                """
                UPDATE catalog.inventory SET available = available + \(change), updated_at = now()
                WHERE product_id = \(adjustment.productId)
                """)
            try await connection.query(
                """
                INSERT INTO catalog.inventory_ledger (product_id, kind, available_change, reason, adjustment_id)
                VALUES (\(adjustment.productId), \(kind), \(change), \(adjustment.reason), \(id))
                """)
            let rows = try await connection.query(
                """
                UPDATE catalog.inventory_adjustments SET status = 'applied', settled_at = now()
                WHERE id = \(id) RETURNING \(unescaped: Self.columns)
                """)
            return .applied(try Self.adjustments(from: rows).first ?? adjustment)
        }
    }

    /// Refuses a still-pending adjustment that could not be queued, so it never applies later.
    /// Returns `false` if it was no longer pending: its message reached a worker after all.
    public func abandon(id: UUID, reason: String) async throws -> Bool {
        let rows = try await database.query(
            """
            UPDATE catalog.inventory_adjustments SET status = 'refused', refusal = \(reason), settled_at = now()
            WHERE id = \(id) AND status = 'pending' RETURNING id
            """)
        return try !rows.decode(UUID.self).isEmpty
    }

    static let columns = "id, product_id, type, quantity, reason, status, refusal, created_at, settled_at"

    static func adjustments(from rows: [PostgresRow]) throws -> [InventoryAdjustmentDTO] {
        try rows.decode((UUID, UUID, String, Int, String, String, String?, Date, Date?).self).map {
            InventoryAdjustmentDTO(
                id: $0.0, productId: $0.1, type: InventoryAdjustmentType(rawValue: $0.2) ?? .stockIn, quantity: $0.3, reason: $0.4,
                status: InventoryAdjustmentStatus(rawValue: $0.5) ?? .pending, refusal: $0.6, createdAt: $0.7, settledAt: $0.8
            )
        }
    }
}
