import Contracts
import Foundation
import ServiceKit
import Testing
import TestSupport

/// Bad input gets a clear 4xx problem+json saying what is wrong, and changes nothing.
@Suite("Bad input")
struct BadInputTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    /// Checks the answer is a problem document with `status` whose text mentions `mention`.
    private func expectProblem(_ reply: APIClient.Reply, _ status: Int, mentioning mention: String? = nil, field: String? = nil,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "expected \(status), got \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.contentType.hasPrefix("application/problem+json"), "content type \(reply.contentType)", sourceLocation: sourceLocation)
        let problem = try? reply.decode(ProblemDetails.self)
        #expect(problem?.status == status, sourceLocation: sourceLocation)
        #expect(problem?.title.isEmpty == false, sourceLocation: sourceLocation)
        if let mention {
            let text = "\(problem?.detail ?? "") \(problem?.errors?.map { "\($0.field) \($0.message)" }.joined(separator: " ") ?? "")"
            #expect(text.localizedCaseInsensitiveContains(mention), "'\(text)' does not mention '\(mention)'", sourceLocation: sourceLocation)
        }
        if let field {
            #expect(problem?.errors?.contains { $0.field == field } == true, "no error for field \(field): \(reply.text)", sourceLocation: sourceLocation)
        }
    }

    @Test func malformedJSON() async throws {
        let reply = try await shop.api.send(.POST, "/auth/register", rawBody: #"{"email": "a@b.c", "password": "#)
        expectProblem(reply, 400, mentioning: "JSON")
    }

    @Test func missingField() async throws {
        let reply = try await shop.api.send(.POST, "/auth/register", rawBody: #"{"email": "someone@example.com", "name": "No Password"}"#)
        expectProblem(reply, 400, mentioning: "required", field: "password")
    }

    @Test func wrongType() async throws {
        let customer = try await shop.newCustomer()
        let reply = try await shop.api.send(
            .POST, "/cart/items", rawBody: #"{"productId": "\#(UUID().uuidString)", "quantity": "two"}"#, token: customer.token
        )
        expectProblem(reply, 400, mentioning: "integer", field: "quantity")
    }

    @Test func unknownFieldsAreRefused() async throws {
        let customer = try await shop.newCustomer()
        let reply = try await shop.api.send(
            .POST, "/cart/items", rawBody: #"{"productId": "\#(UUID().uuidString)", "quantity": 1, "qty": 2}"#, token: customer.token
        )
        expectProblem(reply, 400, mentioning: "not a known field", field: "qty")
        #expect(try await shop.cart(token: customer.token).lines.isEmpty)
    }

    @Test func invalidRegistrationFieldsAreAllListed() async throws {
        let reply = try await shop.api.send(.POST, "/auth/register", json: RegisterRequest(email: "not-an-email", password: "short", name: ""))
        expectProblem(reply, 400, field: "email")
        let fields = Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["email", "password", "name"])
    }

    @Test(arguments: [0, -1, -50, 100])
    func quantityOutOfBounds(quantity: Int) async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 500, adminToken: admin)
        let customer = try await shop.newCustomer()
        let reply = try await shop.addToCart(product.id, quantity: quantity, token: customer.token)
        expectProblem(reply, 400, mentioning: "quantity", field: "quantity")
        #expect(try await shop.cart(token: customer.token).lines.isEmpty, "a refused line was written")
    }

    @Test func unknownProduct() async throws {
        let customer = try await shop.newCustomer()
        let reply = try await shop.addToCart(UUID(), quantity: 1, token: customer.token)
        expectProblem(reply, 422, mentioning: "no product", field: "productId")
        #expect(try await shop.cart(token: customer.token).lines.isEmpty)
        expectProblem(try await shop.api.send(.GET, "/products/\(UUID().uuidString)"), 404, mentioning: "no product")
    }

    @Test func moreThanInStock() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 2, adminToken: admin)
        let customer = try await shop.newCustomer()
        expectProblem(try await shop.addToCart(product.id, quantity: 3, token: customer.token), 409, mentioning: "in stock")
        #expect(try await shop.cart(token: customer.token).lines.isEmpty)
    }

    @Test func checkoutWithEmptyCart() async throws {
        let customer = try await shop.newCustomer()
        expectProblem(try await shop.checkout(token: customer.token), 422, mentioning: "empty")
        #expect(try await OrderCount.of(userId: customer.user.id) == 0, "an order was written for an empty cart")
    }

    @Test func missingToken() async throws {
        expectProblem(try await shop.api.send(.GET, "/cart"), 401, mentioning: "token")
        expectProblem(try await shop.checkout(token: ""), 401)
        expectProblem(try await shop.api.send(.GET, "/orders/\(UUID().uuidString)"), 401)
    }

    @Test func forgedAndExpiredTokens() async throws {
        let customer = try await shop.newCustomer()
        // The same claims, signed with another key.
        let otherKey = try await AccessTokens(secret: "an-attacker-secret-that-is-long-enough-0123456789", lifetime: .seconds(600))
        let forged = try await otherKey.sign(userId: customer.user.id, email: customer.user.email, role: .admin)
        // The right key, but expired an hour ago.
        let realKey = try await AccessTokens(secret: try TestEnvironment.require("JWT_SECRET"), lifetime: .seconds(60))
        let expired = try await realKey.sign(userId: customer.user.id, email: customer.user.email, role: .customer, now: Date().addingTimeInterval(-3600))
        expectProblem(try await shop.api.send(.GET, "/cart", token: expired), 401, mentioning: "expired")
        expectProblem(try await shop.api.send(.GET, "/cart", token: forged), 401, mentioning: "invalid")
        expectProblem(try await shop.api.send(.GET, "/cart", token: "not-a-jwt"), 401)
        expectProblem(try await shop.api.send(.GET, "/cart", headers: [("Authorization", "Basic YTpi")]), 401, mentioning: "Bearer")
        expectProblem(try await shop.checkout(token: forged), 401)
    }

    @Test func customerCannotCreateProducts() async throws {
        let customer = try await shop.newCustomer()
        let request = CreateProductRequest(
            sku: "NOPE-1", name: "Nope", description: nil, category: "tests", price: Money(amount: 1, currency: "EUR"), stock: 1
        )
        expectProblem(try await shop.api.send(.POST, "/products", json: request, token: customer.token), 403, mentioning: "admin")
        expectProblem(try await shop.api.send(.POST, "/products", json: request), 401)
    }

    @Test func invalidProductFields() async throws {
        let admin = try await shop.adminToken()
        let request = CreateProductRequest(
            sku: "bad sku!", name: "", description: nil, category: "Tests", price: Money(amount: -5, currency: "euro"), stock: -1
        )
        let reply = try await shop.api.send(.POST, "/products", json: request, token: admin)
        expectProblem(reply, 400)
        let fields = Set((try? reply.decode(ProblemDetails.self))?.errors?.map(\.field) ?? [])
        #expect(fields == ["sku", "name", "category", "price.amount", "price.currency", "stock"])
    }

    @Test func anotherUsersOrderIsNotFound() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let owner = try await shop.newCustomer()
        let stranger = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: owner.token).status == 200)
        let order = try await shop.checkout(token: owner.token).decode(OrderDTO.self)
        let reply = try await shop.api.send(.GET, "/orders/\(order.id.uuidString)", token: stranger.token)
        expectProblem(reply, 404)
        #expect(!reply.text.contains(owner.user.id.uuidString))
    }

    @Test func unknownRouteAtTheGateway() async throws {
        expectProblem(try await shop.api.send(.GET, "/no-such-service/anything"), 404)
    }

    @Test func duplicateRegistration() async throws {
        let customer = try await shop.newCustomer()
        let again = RegisterRequest(email: customer.user.email.uppercased(), password: "another password", name: "Twin")
        expectProblem(try await shop.api.send(.POST, "/auth/register", json: again), 409, mentioning: "exists")
    }

    @Test func wrongPassword() async throws {
        let customer = try await shop.newCustomer()
        let reply = try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: customer.user.email, password: "wrong password"))
        expectProblem(reply, 401, mentioning: "wrong")
        let unknown = try await shop.api.send(.POST, "/auth/login", json: LoginRequest(email: "nobody@example.com", password: "whatever1"))
        expectProblem(unknown, 401, mentioning: "wrong")
    }
}
