import CartCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// Changing and removing the caller's cart lines, and emptying the cart.
extension CartController {
    /// `PATCH /cart/items/:productId`: sets the line's quantity (0 removes it), checked
    /// against the stock available now like an addition.
    @Sendable func setQuantity(request: Request, context: ShopRequestContext) async throws -> JSONResponse<CartDTO> {
        let user = try context.requireIdentity()
        let productId = try context.parameters.requireUUID("productId")
        let body = try await request.decodeJSON(SetCartItemQuantityRequest.self, context: context)
        var validator = Validator()
        validator.check(
            (0...CartStore.maximumQuantityPerLine).contains(body.quantity),
            "quantity", "must be from 0 (removes the line) to \(CartStore.maximumQuantityPerLine)"
        )
        try validator.validate()

        if body.quantity > 0 {
            let lines = try await store.lines(userId: user.userId)
            try await checkAvailable(productId, quantity: body.quantity, lines: lines, context: context)
        }
        let change = try await store.setQuantity(userId: user.userId, productId: productId, quantity: body.quantity)
        try Self.check(change, productId: productId, context: context)
        return JSONResponse(try await cartView(userId: user.userId, context: context))
    }

    /// `DELETE /cart/items/:productId`: removes the line; `404` if the cart has none.
    @Sendable func removeItem(request: Request, context: ShopRequestContext) async throws -> JSONResponse<CartDTO> {
        let user = try context.requireIdentity()
        let productId = try context.parameters.requireUUID("productId")
        guard try await store.removeLine(userId: user.userId, productId: productId) else {
            throw HTTPProblem.notFound("Your cart has no line for product \(productId).")
        }
        context.logger.info("cart line removed", metadata: ["product.id": "\(productId)"])
        return JSONResponse(try await cartView(userId: user.userId, context: context))
    }

    /// `DELETE /cart`: empties the cart.
    @Sendable func clear(request: Request, context: ShopRequestContext) async throws -> Response {
        let user = try context.requireIdentity()
        try await store.clear(userId: user.userId)
        context.logger.info("cart emptied")
        return Response(status: .noContent)
    }
}
