import Contracts
import Foundation
import Hummingbird
import OrdersCore
import ServiceKit

extension OrdersController {
    /// `POST /orders/:id/cancel`: the owner (or an admin) cancels an order before it ships.
    /// The order is `cancelled` at once; `order.cancelled` then has the saga refund a captured
    /// charge, return the stock and email the customer. Cancelling a cancelled order again is a
    /// no-op that re-sends `order.cancelled` (idempotent); a shipped or already failed order is
    /// `409`. If the broker does not confirm, the order stays cancelled and the sweeper
    /// re-sends `order.cancelled` until the compensation is recorded.
    @Sendable func cancel(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireUUID("id")
        let order = try await visibleOrder(id, to: identity)
        var logger = context.logger
        logger[metadataKey: "order.id"] = "\(id)"

        let cancelled: Order
        let reason = identity.userId == order.userId ? "cancelled by the customer" : "cancelled by an admin"
        switch try await orders.cancel(order, reason: reason) {
        case .cancelled(let now):
            logger.info("order cancelled", metadata: ["order.previous_status": "\(order.status.rawValue)"])
            cancelled = now
        case .alreadyCancelled(let now):
            cancelled = now
        case .refused(let current):
            throw HTTPProblem.conflict(
                current.status == .shipped
                    ? "Order \(id) has shipped and can no longer be cancelled."
                    : "Order \(id) is \(current.status.rawValue): there is nothing left to cancel.")
        }
        do {
            try await publisher.publish(
                OrderCancelled(orderId: id), messageID: "order.cancelled:\(id.uuidString)", correlationID: id.uuidString,
                traceParent: context.traceParent.child()
            )
        } catch {
            logger.error("order.cancelled not confirmed by the broker; the sweeper will re-send it", metadata: ["error": "\(error)"])
        }
        guard let current = try await orders.find(id: id, withHistory: true) else { return JSONResponse(cancelled.dto) }
        return JSONResponse(current.dto)
    }

    /// `POST /orders/:id/ship` (admin): a `confirmed` order is handed to the carrier, with an
    /// optional `trackingNumber`; the customer gets the `order-shipped` email. Shipping a shipped
    /// order again is a no-op that queues the email again, with the recorded tracking number
    /// (sent once per order: its idempotency key); a different tracking number is `409`, and
    /// so is any other status.
    @Sendable func ship(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        _ = try context.requireAdmin()
        let id = try context.parameters.requireUUID("id")
        var body = ShipOrderRequest()
        if request.headers[.contentLength].map({ $0 != "0" }) ?? (request.headers[.transferEncoding] != nil) {
            body = try await request.decodeJSON(ShipOrderRequest.self, context: context)
        }
        let trackingNumber = body.trackingNumber?.trimmingCharacters(in: .whitespaces)
        var validator = Validator()
        if let trackingNumber {
            validator.checkLength(trackingNumber, "trackingNumber", 1...64)
        }
        try validator.validate()
        guard let order = try await orders.find(id: id) else {
            throw HTTPProblem.notFound("There is no order with id \(id).")
        }
        if order.status == .shipped {
            if let trackingNumber, trackingNumber != order.dto.trackingNumber {
                let recorded = order.dto.trackingNumber.map { "tracking number \($0)" } ?? "no tracking number"
                throw HTTPProblem.conflict("Order \(id) has shipped already, with \(recorded).")
            }
        } else {
            guard try await orders.ship(id, trackingNumber: trackingNumber) else {
                let status = try await orders.find(id: id)?.status ?? order.status
                throw HTTPProblem.conflict("Order \(id) is \(status.rawValue): only confirmed orders can be shipped.")
            }
            context.logger.info("order shipped", metadata: ["order.id": "\(id)"])
        }
        guard let shipped = try await orders.find(id: id, withHistory: true) else {
            throw HTTPProblem.notFound("There is no order with id \(id).")
        }
        do {
            try await publisher.publish(
                OrderEmails.shipped(shipped),
                messageID: "email.order-shipped:\(id.uuidString)", correlationID: id.uuidString, traceParent: context.traceParent.child()
            )
        } catch {
            throw HTTPProblem.unavailable("Order \(id) is shipped, but its email could not be queued; ship it again to re-send.")
        }
        return JSONResponse(shipped.dto)
    }
}
