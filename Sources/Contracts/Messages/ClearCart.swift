import Foundation

/// `cart.clear`: remove exactly the ordered lines from the user's cart, once per order.
public struct ClearCart: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.clearCart
    public static let messageType = "cart.clear"

    public var userId: UUID
    public var orderId: UUID
    public var lines: [StockLine]

    public init(userId: UUID, orderId: UUID, lines: [StockLine]) {
        self.userId = userId
        self.orderId = orderId
        self.lines = lines
    }
}
