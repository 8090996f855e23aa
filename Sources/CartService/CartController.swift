import CartCore
import Contracts
import Foundation
import Hummingbird
import ServiceKit

/// `/cart`: the caller's own cart. Every route needs an access token; a user only ever
/// reaches the cart keyed by their own token's user id, so no route can reach another's.
struct CartController: Sendable {
    let store: CartStore
    let catalog: CatalogClient

    func addRoutes(to router: Router<ShopRequestContext>) {
        let group = router.group("cart")
        group.get(use: show)
        group.delete(use: clear)
        group.post("items", use: addItem)
        group.patch("items/:productId", use: setQuantity)
        group.delete("items/:productId", use: removeItem)
    }

    /// `GET /cart`: the lines at current catalog prices, and their total.
    @Sendable func show(request: Request, context: ShopRequestContext) async throws -> JSONResponse<CartDTO> {
        let user = try context.requireIdentity()
        return JSONResponse(try await cartView(userId: user.userId, context: context))
    }

    /// `POST /cart/items`: adds units of an active product, up to what is in stock now.
    @Sendable func addItem(request: Request, context: ShopRequestContext) async throws -> JSONResponse<CartDTO> {
        let user = try context.requireIdentity()
        let body = try await request.decodeJSON(AddCartItemRequest.self, context: context)
        var validator = Validator()
        validator.check(
            (1...CartStore.maximumQuantityPerLine).contains(body.quantity),
            "quantity", "must be from 1 to \(CartStore.maximumQuantityPerLine)"
        )
        try validator.validate()

        let lines = try await store.lines(userId: user.userId)
        let wanted = (lines[body.productId] ?? 0) + body.quantity
        try await checkAvailable(body.productId, quantity: wanted, lines: lines, context: context)
        let change = try await store.add(userId: user.userId, productId: body.productId, quantity: body.quantity)
        try Self.check(change, productId: body.productId, context: context)
        return JSONResponse(try await cartView(userId: user.userId, context: context), status: .ok)
    }

    /// Refuses (`422`) a product that is not in the catalog or no longer sold, (`409`) more
    /// units than are available now, saying how many are, and (`409`) a product priced in
    /// another currency than the cart's other lines.
    func checkAvailable(_ productId: UUID, quantity: Int, lines: [UUID: Int], context: ShopRequestContext) async throws {
        guard let product = try await catalog.product(id: productId, requestID: context.requestID), product.active else {
            throw HTTPProblem.unprocessable(
                "There is no product with id \(productId).",
                errors: [.init(field: "productId", message: "no such product")]
            )
        }
        guard quantity <= product.stock else {
            throw HTTPProblem.conflict("Only \(product.stock) of '\(product.name)' in stock; the cart would hold \(quantity).")
        }
        if let other = try await otherCurrency(in: lines, than: product, context: context) {
            throw HTTPProblem.conflict("The cart is priced in \(other); '\(product.name)' is priced in \(product.price.currency).")
        }
    }

    /// Turns a refused cart change into its problem; logs an accepted one.
    static func check(_ change: CartChange, productId: UUID, context: ShopRequestContext) throws(HTTPProblem) {
        switch change {
        case .updated(let quantity):
            context.logger.info("cart line changed", metadata: ["product.id": "\(productId)", "quantity": "\(quantity)"])
        case .tooManyUnits:
            throw HTTPProblem.conflict("A cart holds at most \(CartStore.maximumQuantityPerLine) units of one product.")
        case .tooManyLines:
            throw HTTPProblem.conflict("A cart holds at most \(CartStore.maximumLines) different products.")
        case .noSuchLine:
            throw HTTPProblem.notFound("Your cart has no line for product \(productId).")
        }
    }

    /// The cart priced now. Lines whose product left the catalog are not shown or charged.
    func cartView(userId: UUID, context: ShopRequestContext) async throws -> CartDTO {
        let lines = try await store.lines(userId: userId)
        let products = try await catalog.products(ids: lines.keys, requestID: context.requestID)
        let priced = lines.compactMap { productId, quantity -> CartLineDTO? in
            guard let product = products[productId], product.active else { return nil }
            return CartLineDTO(productId: productId, sku: product.sku, name: product.name, unitPrice: product.price, quantity: quantity)
        }.sorted { $0.sku < $1.sku }
        let total = priced.first.map { first in
            Money(amount: priced.reduce(0) { $0 + $1.lineTotal.amount }, currency: first.unitPrice.currency)
        }
        var expiresAt: Date?
        if !lines.isEmpty, let lifetime = try await store.remainingLifetime(userId: userId) {
            expiresAt = Date().addingTimeInterval(TimeInterval(lifetime.components.seconds))
        }
        return CartDTO(lines: priced, total: total, expiresAt: expiresAt)
    }

    /// The currency of the cart's other lines when it differs from `product`'s.
    private func otherCurrency(in lines: [UUID: Int], than product: ProductDTO, context: ShopRequestContext) async throws -> String? {
        guard let otherId = lines.keys.first(where: { $0 != product.id }) else { return nil }
        let other = try await catalog.product(id: otherId, requestID: context.requestID)
        guard let currency = other?.price.currency, currency != product.price.currency else { return nil }
        return currency
    }
}
