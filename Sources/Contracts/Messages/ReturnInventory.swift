import Foundation

/// `inventory.return`: a cancelled order gives back everything it holds or took, whichever
/// way the saga got: held stock is released, committed stock is put back (a ledger entry
/// referencing the order). Arriving before the reservation, it leaves a tombstone so the late
/// reservation holds nothing. Idempotent per order.
public struct ReturnInventory: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.updateInventory
    public static let messageType = "inventory.return"

    public var orderId: UUID
    public var reason: String

    public init(orderId: UUID, reason: String) {
        self.orderId = orderId
        self.reason = reason
    }
}
