import Contracts
import Foundation
import Hummingbird
import OrdersCore
import ServiceKit

/// `/payments`: an order's payment attempts and refunds.
struct PaymentsController: Sendable {
    let orders: OrderRepository
    let payments: PaymentRepository

    func addRoutes(to router: Router<ShopRequestContext>) {
        router.group("payments").get(":orderId", use: show)
    }

    /// `GET /payments/:orderId`: the payment state and every attempt of the caller's own order
    /// (admins see any); another user's order is `404`, like a missing one.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderPaymentsDTO> {
        let identity = try context.requireIdentity()
        let orderId = try context.parameters.requireUUID("orderId")
        guard let order = try await orders.find(id: orderId), order.userId == identity.userId || identity.role == .admin else {
            throw HTTPProblem.notFound("You have no order with id \(orderId).")
        }
        return JSONResponse(OrderPaymentsDTO(orderId: order.id, attempts: try await payments.attempts(orderId: order.id)))
    }
}
