import Foundation

/// A product's stock: what can be ordered now and what is held for unpaid orders.
public struct InventoryDTO: Codable, Sendable, Hashable {
    public var productId: UUID
    /// Units that can be ordered now.
    public var available: Int
    /// Units held for orders that are not yet paid.
    public var reserved: Int
    public var updatedAt: Date

    public init(productId: UUID, available: Int, reserved: Int, updatedAt: Date) {
        self.productId = productId
        self.available = available
        self.reserved = reserved
        self.updatedAt = updatedAt
    }
}

/// The direction of a manual stock adjustment.
public enum InventoryAdjustmentType: String, Codable, Sendable, CaseIterable {
    /// Units arrive (a delivery, a return to stock).
    case stockIn = "IN"
    /// Units leave (damage, loss, a correction); never below zero.
    case stockOut = "OUT"
}

/// `POST /inventories/:productId/adjustments` (admin).
public struct CreateInventoryAdjustmentRequest: Codable, Sendable {
    public var type: InventoryAdjustmentType
    public var quantity: Int
    public var reason: String

    public init(type: InventoryAdjustmentType, quantity: Int, reason: String) {
        self.type = type
        self.quantity = quantity
        self.reason = reason
    }
}

/// Where an adjustment stands: `pending` until the `update-inventory` worker applies it,
/// then `applied` or `refused` (an `OUT` larger than the available stock).
public enum InventoryAdjustmentStatus: String, Codable, Sendable, CaseIterable {
    case pending
    case applied
    case refused
}

/// One manual stock adjustment and its outcome.
public struct InventoryAdjustmentDTO: Codable, Sendable, Hashable {
    public var id: UUID
    public var productId: UUID
    public var type: InventoryAdjustmentType
    public var quantity: Int
    public var reason: String
    public var status: InventoryAdjustmentStatus
    /// Why the worker refused it, when it did.
    public var refusal: String?
    public var createdAt: Date
    /// When the worker applied or refused it.
    public var settledAt: Date?

    public init(
        id: UUID, productId: UUID, type: InventoryAdjustmentType, quantity: Int, reason: String,
        status: InventoryAdjustmentStatus, refusal: String?, createdAt: Date, settledAt: Date?
    ) {
        self.id = id
        self.productId = productId
        self.type = type
        self.quantity = quantity
        self.reason = reason
        self.status = status
        self.refusal = refusal
        self.createdAt = createdAt
        self.settledAt = settledAt
    }
}

/// One movement in a product's stock ledger.
public struct InventoryMovementDTO: Codable, Sendable, Hashable {
    public var id: Int
    /// `initial`, `reserve`, `release`, `commit`, `adjust_in` or `adjust_out`.
    public var kind: String
    public var availableChange: Int
    public var reservedChange: Int
    public var reason: String?
    /// The order that caused it (reserve, release, commit).
    public var orderId: UUID?
    /// The adjustment that caused it (adjust_in, adjust_out).
    public var adjustmentId: UUID?
    public var createdAt: Date

    public init(
        id: Int, kind: String, availableChange: Int, reservedChange: Int, reason: String?, orderId: UUID?, adjustmentId: UUID?,
        createdAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.availableChange = availableChange
        self.reservedChange = reservedChange
        self.reason = reason
        self.orderId = orderId
        self.adjustmentId = adjustmentId
        self.createdAt = createdAt
    }
}
