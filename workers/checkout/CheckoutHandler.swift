import Contracts
import Foundation
import OrdersCore
import WorkerRuntime

/// The checkout saga's orchestrator. Every step is guarded by the order's status, so a
/// redelivered event either does nothing or repeats only idempotent follow-ups.
///
/// ```
/// order.placed        → inventory.reserve
/// inventory.reserved  → pay → confirmed → inventory.commit, cart.clear, email(order-confirmed)
///                          → declined  → payment_failed → inventory.release
/// inventory.rejected  → rejected → email(order-rejected)
/// ```
struct CheckoutHandler: WorkerHandler {
    let orders: OrderRepository
    let payments: PaymentRepository
    let provider: any PaymentProvider

    func handle(_ event: CheckoutEvent, context: MessageContext) async throws {
        guard let order = try await orders.find(id: event.orderId) else {
            throw PermanentFailure("order \(event.orderId) does not exist")
        }
        var context = context
        context.logger[metadataKey: "order.id"] = "\(order.id)"
        switch event {
        case .orderPlaced:
            try await reserveStock(for: order, context: context)
        case .inventoryReserved:
            try await payAndConfirm(order, context: context)
        case .inventoryRejected(let rejection):
            try await reject(order, reason: rejection.reason, context: context)
        }
    }

    private func reserveStock(for order: Order, context: MessageContext) async throws {
        guard order.status == .pending else {
            context.logger.info("order already past reservation; nothing to do", metadata: ["order.status": "\(order.status.rawValue)"])
            return
        }
        try await context.publish(ReserveInventory(orderId: order.id, lines: order.stockLines))
    }

    private func payAndConfirm(_ order: Order, context: MessageContext) async throws {
        switch order.status {
        case .pending, .reserved:
            try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "stock reserved")
            switch try await charge(order) {
            case .succeeded:
                if try await orders.transition(order.id, from: [.reserved], to: .confirmed, reason: "paid") {
                    context.logger.info("order confirmed")
                }
            case .declined(let reason):
                if try await orders.transition(order.id, from: [.reserved], to: .paymentFailed, reason: reason) {
                    context.logger.info("payment declined", metadata: ["reason": "\(reason)"])
                }
            }
            // Act on what the order is now: a concurrent delivery or the sweeper may have
            // moved it first.
            guard let current = try await orders.find(id: order.id) else { return }
            try await followUp(current, context: context)
        case .confirmed, .paymentFailed, .rejected, .failed:
            // A redelivery: repeat the idempotent follow-ups in case the first attempt stopped
            // before the broker confirmed them.
            try await followUp(order, context: context)
        }
    }

    /// The messages an order in its final status sends on after its stock was reserved.
    private func followUp(_ order: Order, context: MessageContext) async throws {
        switch order.status {
        case .confirmed:
            try await context.publish([
                CommitInventory(orderId: order.id),
                ClearCart(userId: order.userId, orderId: order.id, lines: order.stockLines),
                OrderEmails.confirmed(order),
            ])
        case .paymentFailed, .rejected, .failed:
            // Stock is reserved for an order that is over: give it back. (The simulated provider
            // of this stage never keeps money for such an order; real payments refund it.)
            context.logger.info("releasing stock of a finished order", metadata: ["order.status": "\(order.status.rawValue)"])
            try await context.publish(ReleaseInventory(orderId: order.id, reason: "order is \(order.status.rawValue)"))
        case .pending, .reserved:
            throw CheckoutError.unexpectedStatus(order.id, order.status)
        }
    }

    /// Charges once per order: a recorded result is reused, never charged again.
    private func charge(_ order: Order) async throws -> PaymentResult {
        if let recorded = try await payments.result(orderId: order.id) {
            return recorded
        }
        let result = try await provider.charge(orderId: order.id, amount: order.dto.total)
        return try await payments.record(orderId: order.id, amount: order.dto.total, result: result)
    }

    private func reject(_ order: Order, reason: String, context: MessageContext) async throws {
        let moved = try await orders.transition(order.id, from: [.pending], to: .rejected, reason: reason)
        guard moved || order.status == .rejected else {
            context.logger.info("order not pending; rejection ignored", metadata: ["order.status": "\(order.status.rawValue)"])
            return
        }
        context.logger.info("order rejected", metadata: ["reason": "\(reason)"])
        try await context.publish(OrderEmails.rejected(order, reason: reason))
    }
}

/// The saga found an order where it cannot be.
enum CheckoutError: Error, CustomStringConvertible {
    case unexpectedStatus(UUID, OrderStatus)

    var description: String {
        switch self {
        case .unexpectedStatus(let id, let status): "order \(id) is still \(status.rawValue) after payment"
        }
    }
}
