import Contracts
import Foundation
import OrdersCore
import WorkerRuntime

/// The saga's steps for one order: the rare events (rejections, cancellations), and the
/// payment step when a batch's transaction failed and its orders are retried one by one.
extension CheckoutHandler {
    /// Charges one order whose stock was reserved (its own transaction), then sends on what
    /// the order is now.
    func payAndConfirm(_ order: Order, context: MessageContext) async throws {
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
        if let messages = try followUps(of: current, context: context) {
            try await context.publish(messages)
        } else {
            try await compensateCancellation(of: current, context: context)
        }
    }

    /// The messages an order in its status sends on after its stock was reserved; `nil` for a
    /// cancelled order, which needs ``compensateCancellation(of:context:)`` instead.
    func followUps(of order: Order, context: MessageContext) throws -> [any QueueMessage]? {
        switch order.status {
        case .confirmed:
            return [
                CommitInventory(orderId: order.id),
                ClearCart(userId: order.userId, orderId: order.id, lines: order.stockLines),
                OrderEmails.confirmed(order),
            ]
        case .paymentFailed:
            context.logger.info("payment declined; releasing stock", metadata: ["reason": "\(order.dto.statusReason ?? "")"])
            return [
                ReleaseInventory(orderId: order.id, reason: "order is \(order.status.rawValue)"),
                OrderEmails.paymentFailed(order),
            ]
        case .rejected, .failed:
            // Stock is reserved for an order that is over: give it back.
            context.logger.info("releasing stock of a finished order", metadata: ["order.status": "\(order.status.rawValue)"])
            return [ReleaseInventory(orderId: order.id, reason: "order is \(order.status.rawValue)")]
        case .cancelled:
            return nil
        case .shipped:
            context.logger.info("order already shipped; nothing to do")
            return []
        case .pending, .reserved:
            throw CheckoutError.unexpectedStatus(order.id, order.status)
        }
    }

    /// Undoes a cancelled order, idempotently: refunds a captured charge (once), returns its
    /// stock whatever the reservation's state, emails the customer, and records that it did.
    func compensateCancellation(of order: Order, context: MessageContext) async throws {
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

    func reject(_ order: Order, reason: String, context: MessageContext) async throws {
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
