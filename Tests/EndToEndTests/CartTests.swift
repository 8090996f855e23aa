import Contracts
import Foundation
import Testing
import TestSupport

/// `/cart`: adding, setting, removing, emptying, the checks on the way in, and the idle expiry.
@Suite("Cart")
struct CartTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    private func setQuantity(_ productId: UUID, _ quantity: Int, token: String) async throws -> APIClient.Reply {
        try await shop.api.send(.PATCH, "/cart/items/\(productId.uuidString)", json: SetCartItemQuantityRequest(quantity: quantity), token: token)
    }

    @Test func addsToAnExistingLineAndTotalsAtCurrentPrices() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, cents: 250, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 2, token: customer.token).status == 200)
        let reply = try await shop.addToCart(product.id, quantity: 3, token: customer.token)
        let cart = try reply.decode(CartDTO.self)
        #expect(cart.lines.map(\.quantity) == [5])
        #expect(cart.total == Money(amount: 1250, currency: "EUR"))

        // A price change shows at once.
        _ = try await shop.api.send(
            .PATCH, "/products/\(product.id.uuidString)", json: UpdateProductRequest(price: Money(amount: 300, currency: "EUR")), token: admin
        )
        #expect(try await shop.cart(token: customer.token).total == Money(amount: 1500, currency: "EUR"))
    }

    @Test func patchSetsTheQuantityAndZeroRemovesTheLine() async throws {
        let admin = try await shop.adminToken()
        let first = try await shop.newProduct(stock: 10, cents: 100, adminToken: admin)
        let second = try await shop.newProduct(stock: 10, cents: 1000, adminToken: admin)
        let customer = try await shop.newCustomer()
        _ = try await shop.addToCart(first.id, quantity: 4, token: customer.token)

        let set = try await setQuantity(first.id, 2, token: customer.token)
        #expect(set.status == 200)
        #expect(try set.decode(CartDTO.self).lines.map(\.quantity) == [2])

        // PATCH on a product not yet in the cart creates its line.
        let created = try await setQuantity(second.id, 1, token: customer.token)
        #expect(try created.decode(CartDTO.self).total == Money(amount: 1200, currency: "EUR"))

        let removed = try await setQuantity(first.id, 0, token: customer.token)
        #expect(try removed.decode(CartDTO.self).lines.map(\.productId) == [second.id])
        expectProblem(try await setQuantity(first.id, 0, token: customer.token), 404, mentioning: "no line")
    }

    @Test func patchIsCheckedLikeAnAddition() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 3, adminToken: admin)
        let customer = try await shop.newCustomer()
        _ = try await shop.addToCart(product.id, quantity: 1, token: customer.token)

        expectProblem(try await setQuantity(product.id, 4, token: customer.token), 409, mentioning: "only 3")
        expectProblem(try await setQuantity(product.id, -1, token: customer.token), 400, field: "quantity")
        expectProblem(try await setQuantity(product.id, 100, token: customer.token), 400, field: "quantity")
        expectProblem(try await setQuantity(UUID(), 1, token: customer.token), 422, field: "productId")
        expectProblem(
            try await shop.api.send(.PATCH, "/cart/items/\(product.id.uuidString)", rawBody: #"{"quantity": 1, "extra": 1}"#, token: customer.token),
            400, field: "extra"
        )
        // A number that is JSON but no quantity is named at its field, not called invalid JSON.
        for quantity in ["2.5", "1e30"] {
            expectProblem(
                try await shop.api.send(
                    .PATCH, "/cart/items/\(product.id.uuidString)", rawBody: #"{"quantity": \#(quantity)}"#, token: customer.token
                ),
                400, mentioning: "got \(quantity)", field: "quantity"
            )
        }
        #expect(try await shop.cart(token: customer.token).lines.map(\.quantity) == [1], "a refused change was written")
    }

    @Test func moreThanAvailableSaysHowManyAre() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 4, adminToken: admin)
        let customer = try await shop.newCustomer()
        _ = try await shop.addToCart(product.id, quantity: 3, token: customer.token)
        let reply = try await shop.addToCart(product.id, quantity: 2, token: customer.token)
        expectProblem(reply, 409, mentioning: "only 4")
        #expect(try await shop.cart(token: customer.token).lines.map(\.quantity) == [3])
    }

    @Test func deleteRemovesOneLine() async throws {
        let admin = try await shop.adminToken()
        let first = try await shop.newProduct(stock: 10, adminToken: admin)
        let second = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        _ = try await shop.addToCart(first.id, quantity: 1, token: customer.token)
        _ = try await shop.addToCart(second.id, quantity: 2, token: customer.token)

        let reply = try await shop.api.send(.DELETE, "/cart/items/\(first.id.uuidString)", token: customer.token)
        #expect(reply.status == 200)
        #expect(try reply.decode(CartDTO.self).lines.map(\.productId) == [second.id])
        expectProblem(try await shop.api.send(.DELETE, "/cart/items/\(first.id.uuidString)", token: customer.token), 404)
        expectProblem(try await shop.api.send(.DELETE, "/cart/items/not-a-uuid", token: customer.token), 404)
    }

    @Test func deleteEmptiesTheCart() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        _ = try await shop.addToCart(product.id, quantity: 2, token: customer.token)
        #expect(try await shop.api.send(.DELETE, "/cart", token: customer.token).status == 204)
        let cart = try await shop.cart(token: customer.token)
        #expect(cart.lines.isEmpty && cart.total == nil && cart.expiresAt == nil)
        #expect(try await shop.api.send(.DELETE, "/cart", token: customer.token).status == 204, "emptying an empty cart is fine")
    }

    @Test func expiresAfterTheIdleTimeRefreshedOnEachChange() async throws {
        let ttl = TimeInterval(try #require(Int(try TestEnvironment.require("CART_TTL_SECONDS"))))
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.cart(token: customer.token).expiresAt == nil)

        // The expiry is `ttl` after the change, which happened between `before` and `after`
        // (bounded on both sides, so a slow machine cannot fail it). It can read up to 2 s
        // early: Redis gives the remaining TTL in whole seconds, and the date is sent in whole
        // seconds, each rounded down.
        var before = Date()
        _ = try await shop.addToCart(product.id, quantity: 1, token: customer.token)
        let first = try #require(try await shop.cart(token: customer.token).expiresAt)
        var after = Date()
        #expect(first >= before + ttl - 2 && first <= after + ttl + 1, "expires \(first), expected \(ttl) s after \(before)...\(after)")

        try await Task.sleep(for: .seconds(2))
        before = Date()
        _ = try await setQuantity(product.id, 2, token: customer.token)
        let refreshed = try #require(try await shop.cart(token: customer.token).expiresAt)
        after = Date()
        #expect(refreshed > first, "a change did not restart the idle time")
        #expect(refreshed >= before + ttl - 2 && refreshed <= after + ttl + 1, "expires \(refreshed), expected \(ttl) s after \(before)...\(after)")
    }
}
