import Contracts
import Foundation
import Hummingbird
import OrdersCore
import ServiceKit

extension OrdersController {
    /// `GET /orders`: the caller's orders, newest first, paginated, optionally of one `status`.
    /// `all=true` (admins only, else `403`) lists every user's orders.
    @Sendable func list(request: Request, context: ShopRequestContext) async throws -> JSONResponse<Page<OrderDTO>> {
        let identity = try context.requireIdentity()
        let parameters = request.uri.queryParameters
        var validator = Validator()
        let paging = PageRequest(parameters, validator: &validator)
        var status: OrderStatus?
        if let text = parameters.get("status") {
            status = OrderStatus(rawValue: text)
            validator.check(
                status != nil, "status", "must be one of \(OrderStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var all = false
        if let text = parameters.get("all") {
            validator.check(text == "true" || text == "false", "all", "must be true or false")
            all = text == "true"
        }
        try validator.validate()
        if all {
            _ = try context.requireAdmin()
        }
        let query = OrderListQuery(userId: all ? nil : identity.userId, status: status, offset: paging.offset, limit: paging.limit)
        let (found, total) = try await orders.list(query)
        return JSONResponse(paging.page(found.map(\.dto), total: total))
    }

    /// `GET /orders/:id`: the caller's own order (admins see any), with its status history.
    /// Another user's order is answered exactly like a missing one, so ids leak nothing.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<OrderDTO> {
        let identity = try context.requireIdentity()
        let id = try context.parameters.requireUUID("id")
        let order = try await visibleOrder(id, to: identity, withHistory: true)
        return JSONResponse(order.dto)
    }

    /// The order if `identity` may see it (its owner, or an admin); `404` otherwise.
    func visibleOrder(_ id: UUID, to identity: Identity, withHistory: Bool = false) async throws -> Order {
        guard let order = try await orders.find(id: id, withHistory: withHistory), order.userId == identity.userId || identity.role == .admin
        else {
            throw HTTPProblem.notFound("You have no order with id \(id).")
        }
        return order
    }
}
