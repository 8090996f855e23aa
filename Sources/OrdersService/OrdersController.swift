import Contracts
import Foundation
import Hummingbird
import Logging
import OrdersCore
import ServiceKit

/// `/orders`: checkout and the caller's orders.
struct OrdersController: Sendable {
    let orders: OrderRepository
    let carts: CartClient
    let publisher: MessagePublisher
    /// `REQUIRE_VERIFIED_EMAIL`: checkout needs a verified email address.
    let requireVerifiedEmail: Bool

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("orders")
        group.post("checkout", use: checkout)
        group.get(":id", use: show)
    }

    /// `POST /orders/checkout`: snapshots the caller's cart (lines and current prices) into a
    /// `pending` order, publishes `order.placed` and answers `202` once the broker confirmed it.
    /// If the broker does not confirm, the order is marked `failed` (it never held stock) and
    /// the answer is `503`: no caller is told "accepted" for an order that is not on its way.
    @Sendable func checkout(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        let identity = try context.requireIdentity()
        _ = try context.requireVerifiedEmail(required: requireVerifiedEmail)
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
            createdAt: now,
            updatedAt: now
        )
        let order = Order(dto: dto, email: identity.email)
        var logger = context.logger
        logger[metadataKey: "order.id"] = "\(order.id)"
        try await orders.create(order)

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
            _ = try? await orders.transition(order.id, from: [.pending], to: .failed, reason: "could not be queued for processing")
            throw HTTPProblem.unavailable("Orders cannot be accepted right now; nothing was charged or reserved. Try again shortly.")
        }
        logger.info("order placed", metadata: ["order.total": "\(total.formatted)", "order.lines": "\(dto.lines.count)"])
        return JSONResponse(dto, status: .accepted, headers: [.location: "/orders/\(orderId)"])
    }

    /// `GET /orders/:id`: the caller's own order (admins see any). Another user's order is
    /// answered exactly like a missing one, so ids leak nothing.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireUUID("id")
        guard let order = try await orders.find(id: id), order.userId == identity.userId || identity.role == .admin else {
            throw HTTPProblem.notFound("You have no order with id \(id).")
        }
        return JSONResponse(order.dto)
    }
}
