import Foundation

/// `inventory.reserve`: hold every line for the order, all or nothing.
public struct ReserveInventory: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.updateInventory
    public static let messageType = "inventory.reserve"

    public var orderId: UUID
    public var lines: [StockLine]

    public init(orderId: UUID, lines: [StockLine]) {
        self.orderId = orderId
        self.lines = lines
    }
}

/// `inventory.release`: give back what was reserved for the order (compensation).
public struct ReleaseInventory: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.updateInventory
    public static let messageType = "inventory.release"

    public var orderId: UUID
    public var reason: String

    public init(orderId: UUID, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}

/// `inventory.commit`: the order is paid; its held stock is gone for good.
public struct CommitInventory: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.updateInventory
    public static let messageType = "inventory.commit"

    public var orderId: UUID

    public init(orderId: UUID) {
        self.orderId = orderId
    }
}

/// Everything the `update-inventory` queue carries.
public enum InventoryCommand: IncomingMessage, Hashable {
    case reserve(ReserveInventory)
    case release(ReleaseInventory)
    case commit(CommitInventory)
    /// An admin's manual adjustment (see ``AdjustInventory``).
    case adjust(AdjustInventory)
    /// Give back an order's stock, whatever the saga did with it (see ``ReturnInventory``).
    case returnStock(ReturnInventory)

    /// Every AMQP `type` this queue carries.
    public static let messageTypes = [
        ReserveInventory.messageType, ReleaseInventory.messageType, CommitInventory.messageType, AdjustInventory.messageType,
        ReturnInventory.messageType,
    ]

    public static func decode(type: String?, body: [UInt8]) throws -> InventoryCommand {
        switch type {
        case ReserveInventory.messageType: .reserve(try MessageCoding.decode(ReserveInventory.self, from: body))
        case ReleaseInventory.messageType: .release(try MessageCoding.decode(ReleaseInventory.self, from: body))
        case CommitInventory.messageType: .commit(try MessageCoding.decode(CommitInventory.self, from: body))
        case AdjustInventory.messageType: .adjust(try MessageCoding.decode(AdjustInventory.self, from: body))
        case ReturnInventory.messageType: .returnStock(try MessageCoding.decode(ReturnInventory.self, from: body))
        default:
            throw MessageDecodingError.unexpectedType(type, expected: messageTypes)
        }
    }

    /// The order this command belongs to; `nil` for an adjustment, which belongs to no order.
    public var orderId: UUID? {
        switch self {
        case .reserve(let command): command.orderId
        case .release(let command): command.orderId
        case .commit(let command): command.orderId
        case .adjust: nil
        case .returnStock(let command): command.orderId
        }
    }
}
