import Contracts
import Foundation
import Hummingbird
import Logging
import OrdersCore
import ServiceKit

/// `/orders`: checkout and the caller's orders (reading in `+Queries`, cancel and ship in
/// `+Lifecycle`).
struct OrdersController: Sendable {
    /// The request header that makes a checkout idempotent.
    static let idempotencyKeyHeader = "Idempotency-Key"
    /// The response header that marks a replayed checkout.
    static let replayedHeader = "Idempotent-Replayed"

    let orders: OrderRepository
    let carts: CartClient
    let publisher: MessagePublisher
    /// `REQUIRE_VERIFIED_EMAIL`: checkout needs a verified email address.
    let requireVerifiedEmail: Bool

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("orders")
        group.post("checkout", use: checkout)
        group.get(use: list)
        group.get(":id", use: show)
        group.post(":id/cancel", use: cancel)
        group.post(":id/ship", use: ship)
    }

    /// `POST /orders/checkout`: snapshots the caller's cart (lines and current prices), with the
    /// payment method and shipping address, into a `pending` order, publishes `order.placed`
    /// and answers `202` once the broker confirmed it. If the broker does not confirm, the order
    /// is marked `failed` (it never held stock) and the answer is `503`: no caller is told
    /// "accepted" for an order that is not on its way, nor "unavailable" for one that is
    /// (``failUnqueuedOrder(_:logger:)``).
    ///
    /// With an `Idempotency-Key` header the key is stored with the order: the same key and body
    /// answer the same order again (`202`, `Idempotent-Replayed: true`); the same key with
    /// another body is refused (`422`).
    @Sendable func checkout(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        let identity = try context.requireIdentity()
        _ = try context.requireVerifiedEmail(required: requireVerifiedEmail)
        let body = try await request.decodeJSON(CheckoutRequest.self, context: context).normalized
        var validator = Validator()
        body.validate(into: &validator)
        let key = request.headers[.init(Self.idempotencyKeyHeader)!]
        if let key {
            CheckoutRequest.validateIdempotencyKey(key, into: &validator)
        }
        try validator.validate()
        let idempotency = try key.map { try IdempotencyKey(key: $0, request: body) }
        if let idempotency, let earlier = try await orders.checkout(userId: identity.userId, key: idempotency.key) {
            return try await replay(earlier, for: idempotency, context: context)
        }

        let cart = try await carts.cart(of: identity, requestID: context.requestID)
        guard !cart.lines.isEmpty, let total = cart.total else {
            throw HTTPProblem.unprocessable("The cart is empty: add products with POST /cart/items before checking out.")
        }
        let now = Date()
        let dto = OrderDTO(
            id: UUID(),
            userId: identity.userId,
            status: .pending,
            lines: cart.lines.map {
                OrderLineDTO(productId: $0.productId, sku: $0.sku, name: $0.name, unitPrice: $0.unitPrice, quantity: $0.quantity)
            },
            total: total,
            statusReason: nil,
            shippingAddress: body.shippingAddress,
            createdAt: now,
            updatedAt: now
        )
        let order = Order(dto: dto, email: identity.email, paymentMethod: body.paymentMethod)
        var logger = context.logger
        logger[metadataKey: "order.id"] = "\(order.id)"
        if case .replay(let earlier) = try await orders.create(order, idempotency: idempotency), let idempotency {
            return try await replay(earlier, for: idempotency, context: context)
        }

        let orderId = order.id.uuidString
        do {
            try await publisher.publish(
                OrderPlaced(orderId: order.id, userId: order.userId, lines: order.stockLines),
                messageID: "order.placed:\(orderId)",
                correlationID: orderId,
                traceParent: context.traceParent.child()
            )
        } catch {
            logger.error("order.placed not confirmed by the broker; failing the order", metadata: ["error": "\(error)"])
            if let proceeding = await failUnqueuedOrder(order, logger: logger) {
                return JSONResponse(proceeding.dto, status: .accepted, headers: [.location: "/orders/\(orderId)"])
            }
            if let idempotency {
                // Let the client retry with the same key.
                try? await orders.forget(userId: identity.userId, key: idempotency.key)
            }
            throw HTTPProblem.unavailable("Orders cannot be accepted right now; nothing was charged or reserved. Try again shortly.")
        }
        logger.info(
            "order placed",
            metadata: ["order.total": "\(total.formatted)", "order.lines": "\(dto.lines.count)", "idempotent": "\(idempotency != nil)"]
        )
        return JSONResponse(dto, status: .accepted, headers: [.location: "/orders/\(orderId)"])
    }

    /// After an unconfirmed `order.placed`, fails `order` unless it is on its way after all, and
    /// returns it then. A publish that timed out may still reach the broker (it was being sent
    /// as the connection came back), and whoever moves the order out of `pending` first decides:
    /// this transition, or the checkout worker's. So the caller hears `503` only for an order
    /// that is `failed` for good, never for one that goes on to be paid. If the database cannot
    /// be reached either, the order stays `pending` and the sweeper re-publishes it: it is on
    /// its way too.
    private func failUnqueuedOrder(_ order: Order, logger: Logger) async -> Order? {
        do {
            if try await orders.transition(order.id, from: [.pending], to: .failed, reason: "could not be queued for processing") {
                return nil
            }
            let current = try await orders.find(id: order.id) ?? order
            logger.warning(
                "order.placed reached the broker after all; the order is on its way",
                metadata: ["order.status": "\(current.dto.status.rawValue)"])
            return current
        } catch {
            logger.error("could not fail the order; the sweeper will re-publish it", metadata: ["error": "\(error)"])
            return order
        }
    }

    /// Answers a repeated idempotency key: the earlier order for the same body, `422` for another.
    private func replay(_ earlier: IdempotentCheckout, for idempotency: IdempotencyKey, context: ShopRequestContext) async throws
        -> JSONResponse<OrderDTO>
    {
        guard earlier.request == idempotency.request else {
            throw HTTPProblem.unprocessable(
                "This Idempotency-Key was already used with a different request body; use a new key for a new checkout.")
        }
        guard let order = try await orders.find(id: earlier.orderId) else {
            throw HTTPProblem.notFound("The order of this Idempotency-Key no longer exists.")
        }
        context.logger.info("checkout replayed for an idempotency key", metadata: ["order.id": "\(order.id)"])
        return JSONResponse(
            order.dto, status: .accepted,
            headers: [.location: "/orders/\(order.id.uuidString)", .init(Self.replayedHeader)!: "true"]
        )
    }
}

extension CheckoutRequest {
    /// The request with surrounding whitespace trimmed and an empty `line2` dropped, as stored
    /// and as compared for idempotency.
    var normalized: CheckoutRequest {
        func trim(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        var copy = self
        copy.paymentMethod = trim(paymentMethod)
        copy.shippingAddress.name = trim(shippingAddress.name)
        copy.shippingAddress.line1 = trim(shippingAddress.line1)
        copy.shippingAddress.line2 = shippingAddress.line2.map(trim).flatMap { $0.isEmpty ? nil : $0 }
        copy.shippingAddress.city = trim(shippingAddress.city)
        copy.shippingAddress.postalCode = trim(shippingAddress.postalCode)
        copy.shippingAddress.country = trim(shippingAddress.country)
        return copy
    }
}
