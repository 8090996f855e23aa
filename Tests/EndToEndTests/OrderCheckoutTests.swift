import Contracts
import Foundation
import Testing
import TestSupport

/// `POST /orders/checkout`: its body, its validation and its `Idempotency-Key`.
@Suite("Orders: checkout body and idempotency")
struct OrderCheckoutTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    /// How many orders the customer has (any status).
    func orderCount(token: String) async throws -> Int {
        let reply = try await shop.api.send(.GET, "/orders?limit=100", token: token)
        try #require(reply.status == 200, "GET /orders answered \(reply.status): \(reply.text)")
        return try reply.decode(Page<OrderDTO>.self).total
    }

    @Test("the order keeps the shipping address; the same key and body give the same order, once")
    func idempotentReplay() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 2, token: customer.token).status == 200)
        let key = TestEnvironment.unique("checkout-key")

        let first = try await shop.checkout(token: customer.token, idempotencyKey: key)
        try #require(first.status == 202, "checkout answered \(first.status): \(first.text)")
        let order = try first.decode(OrderDTO.self)
        #expect(order.shippingAddress == Shop.address)
        #expect(first.headers.first(name: "idempotent-replayed") == nil)

        let again = try await shop.checkout(token: customer.token, idempotencyKey: key)
        #expect(again.status == 202, "replay answered \(again.status): \(again.text)")
        #expect(try again.decode(OrderDTO.self).id == order.id)
        #expect(again.headers.first(name: "idempotent-replayed") == "true")
        #expect(again.headers.first(name: "location") == "/orders/\(order.id.uuidString)")

        // Still the same once the saga finished (and the cart is empty again).
        let final = try await shop.finalOrder(order.id, token: customer.token, timeout: .seconds(20))
        #expect(final.status == .confirmed)
        let late = try await shop.checkout(token: customer.token, idempotencyKey: key)
        #expect(late.status == 202)
        #expect(try late.decode(OrderDTO.self).id == order.id)
        #expect(try await orderCount(token: customer.token) == 1)
        #expect(try await shop.product(product.id).stock == 8, "the replays must not reserve stock again")
    }

    @Test("concurrent checkouts with one key make one order and all answer it")
    func concurrentReplays() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)
        let key = TestEnvironment.unique("concurrent-key")
        let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let reply = try await shop.checkout(token: customer.token, idempotencyKey: key)
                    try #require(reply.status == 202, "checkout answered \(reply.status): \(reply.text)")
                    return try reply.decode(OrderDTO.self).id
                }
            }
            return try await group.reduce(into: Set<UUID>()) { $0.insert($1) }
        }
        #expect(ids.count == 1, "one key gave \(ids.count) orders")
        #expect(try await orderCount(token: customer.token) == 1)
    }

    @Test("the same key with another body is 422, and nothing new is stored")
    func keyWithAnotherBody() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)
        let key = TestEnvironment.unique("checkout-key")
        let first = try await shop.checkout(token: customer.token, idempotencyKey: key)
        try #require(first.status == 202, "checkout answered \(first.status): \(first.text)")

        var moved = Shop.address
        moved.city = "Hamburg"
        expectProblem(try await shop.checkout(token: customer.token, address: moved, idempotencyKey: key), 422, mentioning: "Idempotency-Key")
        expectProblem(
            try await shop.checkout(token: customer.token, paymentMethod: "tok_mastercard", idempotencyKey: key), 422,
            mentioning: "Idempotency-Key")
        #expect(try await orderCount(token: customer.token) == 1)
    }

    @Test("keys are per user: another user's identical key is a new checkout")
    func keysArePerUser() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let alice = try await shop.newCustomer(name: "Alice")
        let bob = try await shop.newCustomer(name: "Bob")
        let key = TestEnvironment.unique("shared-key")
        #expect(try await shop.addToCart(product.id, quantity: 1, token: alice.token).status == 200)
        #expect(try await shop.addToCart(product.id, quantity: 1, token: bob.token).status == 200)
        let aliceOrder = try await shop.checkout(token: alice.token, idempotencyKey: key)
        let bobOrder = try await shop.checkout(token: bob.token, idempotencyKey: key)
        try #require(aliceOrder.status == 202 && bobOrder.status == 202, "\(aliceOrder.text) / \(bobOrder.text)")
        #expect(try aliceOrder.decode(OrderDTO.self).id != bobOrder.decode(OrderDTO.self).id)
        #expect(try bobOrder.decode(OrderDTO.self).userId == bob.user.id)
    }

    @Test("a bad body names every bad field and stores nothing")
    func invalidBody() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)
        let bad = ShippingAddress(
            name: "", line1: String(repeating: "x", count: 201), line2: String(repeating: "y", count: 201), city: " ", postalCode: "1",
            country: "Germany")
        let reply = try await shop.checkout(token: customer.token, paymentMethod: "4242424242424242", address: bad)
        expectProblem(reply, 400)
        let fields = (try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? []
        #expect(
            fields.sorted() == [
                "paymentMethod", "shippingAddress.city", "shippingAddress.country", "shippingAddress.line1", "shippingAddress.line2",
                "shippingAddress.name", "shippingAddress.postalCode",
            ])
        #expect(!reply.text.contains("4242424242424242"), "the rejected value must not be echoed")

        expectProblem(
            try await shop.checkout(token: customer.token, address: ShippingAddress(name: "A", line1: "B", city: "C", postalCode: "123", country: "de")),
            400, field: "shippingAddress.country")
        expectProblem(
            try await shop.checkout(token: customer.token, idempotencyKey: String(repeating: "k", count: 256)), 400, field: "Idempotency-Key")
        let unknown = #"{"paymentMethod":"tok_visa","shippingAddress":{"name":"A","line1":"B","city":"C","postalCode":"123","country":"DE"},"coupon":"FREE"}"#
        expectProblem(try await shop.api.send(.POST, "/orders/checkout", rawBody: unknown, token: customer.token), 400, field: "coupon")
        let missing = #"{"paymentMethod":"tok_visa"}"#
        expectProblem(try await shop.api.send(.POST, "/orders/checkout", rawBody: missing, token: customer.token), 400, field: "shippingAddress")
        expectProblem(try await shop.api.send(.POST, "/orders/checkout", token: customer.token), 400)

        #expect(try await orderCount(token: customer.token) == 0)
        #expect(try await shop.cart(token: customer.token).lines.count == 1)
        #expect(try await shop.product(product.id).stock == 10)
    }
}
