import Contracts
import Foundation
import OrdersCore
import WorkerRuntime

/// The checkout saga's orchestrator. Every step is guarded by the order's status, so a
/// redelivered event either does nothing or repeats only idempotent follow-ups.
///
/// ```
/// order.placed        → inventory.reserve
/// inventory.reserved  → pay → confirmed      → inventory.commit, cart.clear, email(order-confirmed)
///                           → payment_failed → inventory.release, email(payment-failed)
///                           → provider down  → retried with backoff (the attempt is recorded)
/// inventory.rejected  → rejected → email(order-rejected)
/// order.cancelled     → refund a captured charge, inventory.return, email(order-cancelled)
/// ```
struct CheckoutHandler: WorkerHandler {
    let orders: OrderRepository
    let payment: OrderPayment

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
        case .orderCancelled:
            try await compensateCancellation(of: order, context: context)
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
        if order.status == .pending || order.status == .reserved {
            try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "stock reserved")
            switch try await payment.chargeReserved(orderId: order.id) {
            case .settled(let status):
                context.logger.info("payment settled", metadata: ["order.status": "\(status.rawValue)"])
            case .notReserved(let status):
                context.logger.info("order no longer reserved; not charged", metadata: ["order.status": "\(status.rawValue)"])
            }
        }
        // Act on what the order is now (a redelivery repeats the idempotent follow-ups in case
        // the first attempt stopped before the broker confirmed them): a concurrent delivery, a
        // cancellation or the sweeper may have moved it first.
        guard let current = try await orders.find(id: order.id) else { return }
        try await followUp(current, context: context)
    }

    /// The messages an order in its status sends on after its stock was reserved.
    private func followUp(_ order: Order, context: MessageContext) async throws {
        switch order.status {
        case .confirmed:
            try await context.publish([
                CommitInventory(orderId: order.id),
                ClearCart(userId: order.userId, orderId: order.id, lines: order.stockLines),
                OrderEmails.confirmed(order),
            ])
        case .paymentFailed:
            context.logger.info("payment declined; releasing stock", metadata: ["reason": "\(order.dto.statusReason ?? "")"])
            try await context.publish([
                ReleaseInventory(orderId: order.id, reason: "order is \(order.status.rawValue)"),
                OrderEmails.paymentFailed(order),
            ])
        case .rejected, .failed:
            // Stock is reserved for an order that is over: give it back.
            context.logger.info("releasing stock of a finished order", metadata: ["order.status": "\(order.status.rawValue)"])
            try await context.publish(ReleaseInventory(orderId: order.id, reason: "order is \(order.status.rawValue)"))
        case .cancelled:
            try await compensateCancellation(of: order, context: context)
        case .shipped:
            context.logger.info("order already shipped; nothing to do")
        case .pending, .reserved:
            throw CheckoutError.unexpectedStatus(order.id, order.status)
        }
    }

    /// Undoes a cancelled order, idempotently: refunds a captured charge (once), returns its
    /// stock whatever the reservation's state, emails the customer, and records that it did.
    private func compensateCancellation(of order: Order, context: MessageContext) async throws {
        guard order.status == .cancelled else {
            context.logger.info("order not cancelled; nothing to compensate", metadata: ["order.status": "\(order.status.rawValue)"])
            return
        }
        let refund = try await payment.refundIfCaptured(orderId: order.id)
        try await context.publish([
            ReturnInventory(orderId: order.id, reason: "order cancelled"),
            OrderEmails.cancelled(order, refund: refund),
        ])
        try await orders.markCompensated(order.id)
        context.logger.info("cancelled order compensated", metadata: ["refund.amount": "\(refund?.formatted ?? "none")"])
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
