import Contracts
import OrdersCore
import ServiceKit

/// Re-drives the orders the saga left behind (see ``OrderSweep``): stuck `pending` orders get
/// their `order.placed` again; orders failed for taking too long get their stock released.
struct CheckoutSweeper: Sendable {
    let sweep: OrderSweep
    let publisher: MessagePublisher

    func run() async throws {
        try await sweep.sweep { actions in
            let messages = try actions.map { action in
                switch action {
                case .redrive(let orderId, let userId, let lines):
                    try MessagePublisher.outgoing(
                        OrderPlaced(orderId: orderId, userId: userId, lines: lines),
                        messageID: "order.placed:\(orderId.uuidString)", correlationID: orderId.uuidString
                    )
                case .release(let orderId, let reason):
                    try MessagePublisher.outgoing(
                        ReleaseInventory(orderId: orderId, reason: reason),
                        messageID: "inventory.release:\(orderId.uuidString)", correlationID: orderId.uuidString
                    )
                case .compensate(let orderId):
                    try MessagePublisher.outgoing(
                        OrderCancelled(orderId: orderId),
                        messageID: "order.cancelled:\(orderId.uuidString)", correlationID: orderId.uuidString
                    )
                }
            }
            try await publisher.publish(messages)
        }
    }
}
