import Foundation

/// Where an order is in the checkout saga.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    /// Committed and enqueued; stock not yet reserved.
    case pending
    /// Stock held for the order; payment under way.
    case reserved
    /// Paid, stock taken. Final for the saga.
    case confirmed
    /// Not enough stock; nothing held. Final.
    case rejected
    /// Payment declined; stock given back. Final.
    case paymentFailed = "payment_failed"
    /// Could not be enqueued or timed out; nothing held. Final.
    case failed

    /// Whether the saga is over for this order.
    public var isFinal: Bool {
        switch self {
        case .pending, .reserved: false
        case .confirmed, .rejected, .paymentFailed, .failed: true
        }
    }
}

/// A line of an order: the product and its price as they were at checkout.
public struct OrderLineDTO: Codable, Sendable, Hashable {
    public var productId: UUID
    public var sku: String
    public var name: String
    public var unitPrice: Money
    public var quantity: Int
    public var lineTotal: Money

    public init(productId: UUID, sku: String, name: String, unitPrice: Money, quantity: Int) {
        self.productId = productId
        self.sku = sku
        self.name = name
        self.unitPrice = unitPrice
        self.quantity = quantity
        self.lineTotal = unitPrice.times(quantity)
    }
}

/// An order as the API shows it.
public struct OrderDTO: Codable, Sendable, Hashable {
    public var id: UUID
    public var userId: UUID
    public var status: OrderStatus
    public var lines: [OrderLineDTO]
    public var total: Money
    /// Why the order was rejected or failed, when it was.
    public var statusReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, userId: UUID, status: OrderStatus, lines: [OrderLineDTO], total: Money,
        statusReason: String?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.userId = userId
        self.status = status
        self.lines = lines
        self.total = total
        self.statusReason = statusReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
