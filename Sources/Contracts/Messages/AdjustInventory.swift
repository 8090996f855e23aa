import Foundation

/// `inventory.adjust`: apply an admin's manual stock adjustment, recorded beforehand by the
/// catalog service as `pending`. Idempotent by `adjustmentId`: a redelivery changes nothing.
public struct AdjustInventory: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.updateInventory
    public static let messageType = "inventory.adjust"

    public var adjustmentId: UUID
    public var productId: UUID

    public init(adjustmentId: UUID, productId: UUID) {
        self.adjustmentId = adjustmentId
        self.productId = productId
    }
}
