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
    /// Cancelled by its owner or an admin before shipping: stock returned, payment refunded.
    case cancelled
    /// Handed to the carrier (admin). Can no longer be cancelled.
    case shipped

    /// Whether the saga is over for this order.
    public var isFinal: Bool {
        switch self {
        case .pending, .reserved: false
        case .confirmed, .rejected, .paymentFailed, .failed, .cancelled, .shipped: true
        }
    }

    /// Whether the order may still be cancelled: before shipping, while the saga runs or once
    /// it confirmed the order.
    public var isCancellable: Bool {
        switch self {
        case .pending, .reserved, .confirmed: true
        case .rejected, .paymentFailed, .failed, .cancelled, .shipped: false
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
    /// Where the order ships to (absent on orders placed before addresses were taken).
    public var shippingAddress: ShippingAddress?
    /// The carrier's tracking number, once the order has shipped with one.
    public var trackingNumber: String?
    /// Every status change, oldest first: only in `GET /orders/:id`.
    public var history: [OrderStatusChangeDTO]?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, userId: UUID, status: OrderStatus, lines: [OrderLineDTO], total: Money,
        statusReason: String?, shippingAddress: ShippingAddress? = nil, trackingNumber: String? = nil,
        history: [OrderStatusChangeDTO]? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.userId = userId
        self.status = status
        self.lines = lines
        self.total = total
        self.statusReason = statusReason
        self.shippingAddress = shippingAddress
        self.trackingNumber = trackingNumber
        self.history = history
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One entry of an order's status history.
public struct OrderStatusChangeDTO: Codable, Sendable, Hashable {
    /// The status before; absent for the order's first entry.
    public var from: OrderStatus?
    public var to: OrderStatus
    public var reason: String?
    public var at: Date

    public init(from: OrderStatus?, to: OrderStatus, reason: String?, at: Date) {
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }
}

/// Where an order ships to. `country` is an ISO 3166-1 alpha-2 code such as `DE`.
public struct ShippingAddress: Codable, Sendable, Hashable {
    public var name: String
    public var line1: String
    public var line2: String?
    public var city: String
    public var postalCode: String
    public var country: String

    public init(name: String, line1: String, line2: String? = nil, city: String, postalCode: String, country: String) {
        self.name = name
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.postalCode = postalCode
        self.country = country
    }
}

/// `POST /orders/checkout`: how to pay and where to ship; the lines come from the caller's cart.
public struct CheckoutRequest: Codable, Sendable, Hashable {
    /// A payment method token from the (simulated) provider, such as `tok_visa`.
    public var paymentMethod: String
    public var shippingAddress: ShippingAddress

    public init(paymentMethod: String, shippingAddress: ShippingAddress) {
        self.paymentMethod = paymentMethod
        self.shippingAddress = shippingAddress
    }
}

/// `POST /orders/:id/ship` (admin), with an optional body.
public struct ShipOrderRequest: Codable, Sendable, Hashable {
    /// The carrier's tracking number, shown in the `order-shipped` email.
    public var trackingNumber: String?

    public init(trackingNumber: String? = nil) {
        self.trackingNumber = trackingNumber
    }
}
