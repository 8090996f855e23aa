import CartCore
import Contracts
import WorkerRuntime

/// Removes exactly the ordered lines from the user's cart, once per order.
struct ClearCartHandler: WorkerHandler {
    let carts: CartStore

    func handle(_ message: ClearCart, context: MessageContext) async throws {
        let removed = try await carts.removeOrderedLines(userId: message.userId, orderId: message.orderId, lines: message.lines)
        context.logger.info(
            removed ? "ordered lines removed from the cart" : "cart already cleared for this order",
            metadata: ["order.id": "\(message.orderId)", "user.id": "\(message.userId)"]
        )
    }
}
