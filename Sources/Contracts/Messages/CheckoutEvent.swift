import Foundation

/// `order.placed`: the orders service committed a `pending` order. Starts the saga.
public struct OrderPlaced: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.checkout
    public static let messageType = "order.placed"

    public var orderId: UUID
    public var userId: UUID
    public var lines: [StockLine]

    public init(orderId: UUID, userId: UUID, lines: [StockLine]) {
        self.orderId = orderId
        self.userId = userId
        self.lines = lines
    }
}

/// `inventory.reserved`: every line of the order is held for it.
public struct InventoryReserved: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.checkout
    public static let messageType = "inventory.reserved"

    public var orderId: UUID

    public init(orderId: UUID) {
        self.orderId = orderId
    }
}

/// `inventory.rejected`: at least one line could not be reserved; nothing was held.
public struct InventoryRejected: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.checkout
    public static let messageType = "inventory.rejected"

    public var orderId: UUID
    public var reason: String
    public var shortages: [StockShortage]

    public init(orderId: UUID, reason: String, shortages: [StockShortage]) {
        self.orderId = orderId
        self.reason = reason
        self.shortages = shortages
    }
}

/// `order.cancelled`: the order was moved to `cancelled`; the saga compensates (returns its
/// stock, refunds a captured charge, emails the customer). Idempotent: sent again by a second
/// cancel and by the sweeper until the compensation is recorded.
public struct OrderCancelled: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.checkout
    public static let messageType = "order.cancelled"

    public var orderId: UUID

    public init(orderId: UUID) {
        self.orderId = orderId
    }
}

/// Everything the `checkout` queue carries, told apart by the AMQP `type` property.
public enum CheckoutEvent: IncomingMessage, Hashable {
    case orderPlaced(OrderPlaced)
    case inventoryReserved(InventoryReserved)
    case inventoryRejected(InventoryRejected)
    case orderCancelled(OrderCancelled)

    public static func decode(type: String?, body: [UInt8]) throws -> CheckoutEvent {
        switch type {
        case OrderPlaced.messageType: .orderPlaced(try MessageCoding.decode(OrderPlaced.self, from: body))
        case InventoryReserved.messageType: .inventoryReserved(try MessageCoding.decode(InventoryReserved.self, from: body))
        case InventoryRejected.messageType: .inventoryRejected(try MessageCoding.decode(InventoryRejected.self, from: body))
        case OrderCancelled.messageType: .orderCancelled(try MessageCoding.decode(OrderCancelled.self, from: body))
        default:
            throw MessageDecodingError.unexpectedType(
                type,
                expected: [OrderPlaced.messageType, InventoryReserved.messageType, InventoryRejected.messageType, OrderCancelled.messageType]
            )
        }
    }

    /// The order this event belongs to.
    public var orderId: UUID {
        switch self {
        case .orderPlaced(let event): event.orderId
        case .inventoryReserved(let event): event.orderId
        case .inventoryRejected(let event): event.orderId
        case .orderCancelled(let event): event.orderId
        }
    }
}
