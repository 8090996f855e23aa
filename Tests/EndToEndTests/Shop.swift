import Contracts
import Foundation
import Testing
import TestSupport

/// The shop's API as a test uses it: through the gateway of the test stack.
struct Shop {
    let api: APIClient

    init() throws {
        api = APIClient(baseURL: try TestEnvironment.gatewayURL)
    }

    /// A new customer, registered, verified and logged in.
    struct Customer {
        var user: UserDTO
        /// An access token whose `email_verified` claim is true: it may check out.
        var token: String
        var refreshToken: String
        var email: String
        var password: String
    }

    static let customerPassword = "correct horse battery"

    /// A new customer, registered and logged in with a VERIFIED email (so checkout accepts
    /// them). Test-only shortcut: the flag is set in the database instead of reading the
    /// verification email, so fifty customers can be made at once; the real email flow is
    /// covered end to end by `AccountsRegistrationTests`.
    func newCustomer(name: String = "Test Customer") async throws -> Customer {
        let registered = try await register(name: name)
        try await StackDatabase.markVerified(userId: registered.id)
        return try await session(email: registered.email, password: Self.customerPassword)
    }

    /// A new customer as the API leaves them after `POST /auth/register`: unverified, not logged in.
    func register(name: String = "Test Customer") async throws -> UserDTO {
        let email = "\(TestEnvironment.unique("customer"))@example.com"
        let registered = try await api.send(
            .POST, "/auth/register", json: RegisterRequest(email: email, password: Self.customerPassword, name: name))
        try #require(registered.status == 201, "register answered \(registered.status): \(registered.text)")
        return try registered.decode(UserDTO.self)
    }

    /// Logs in and returns the whole session: access and refresh tokens and the user.
    func session(email: String, password: String) async throws -> Customer {
        let reply = try await api.send(.POST, "/auth/login", json: LoginRequest(email: email, password: password))
        try #require(reply.status == 200, "login answered \(reply.status): \(reply.text)")
        let tokens = try reply.decode(TokenResponse.self)
        return Customer(user: tokens.user, token: tokens.accessToken, refreshToken: tokens.refreshToken, email: email, password: password)
    }

    func login(email: String, password: String) async throws -> String {
        try await session(email: email, password: password).token
    }

    func adminToken() async throws -> String {
        try await login(email: try TestEnvironment.require("ADMIN_EMAIL"), password: try TestEnvironment.require("ADMIN_PASSWORD"))
    }

    /// A new product with `stock` units, created by the admin.
    func newProduct(stock: Int, cents: Int = 1000, adminToken: String) async throws -> ProductDTO {
        let sku = TestEnvironment.unique("SKU").uppercased()
        let request = CreateProductRequest(
            sku: sku, name: "Product \(sku)", description: "made by a test", category: "tests",
            price: Money(amount: cents, currency: "EUR"), stock: stock
        )
        let reply = try await api.send(.POST, "/products", json: request, token: adminToken)
        try #require(reply.status == 201, "create product answered \(reply.status): \(reply.text)")
        return try reply.decode(ProductDTO.self)
    }

    func product(_ id: UUID) async throws -> ProductDTO {
        let reply = try await api.send(.GET, "/products/\(id.uuidString)")
        try #require(reply.status == 200, "product answered \(reply.status): \(reply.text)")
        return try reply.decode(ProductDTO.self)
    }

    func addToCart(_ productId: UUID, quantity: Int, token: String) async throws -> APIClient.Reply {
        try await api.send(.POST, "/cart/items", json: AddCartItemRequest(productId: productId, quantity: quantity), token: token)
    }

    func cart(token: String) async throws -> CartDTO {
        let reply = try await api.send(.GET, "/cart", token: token)
        try #require(reply.status == 200, "cart answered \(reply.status): \(reply.text)")
        return try reply.decode(CartDTO.self)
    }

    func checkout(token: String) async throws -> APIClient.Reply {
        try await api.send(.POST, "/orders/checkout", token: token)
    }

    func order(_ id: UUID, token: String) async throws -> OrderDTO {
        let reply = try await api.send(.GET, "/orders/\(id.uuidString)", token: token)
        try #require(reply.status == 200, "order answered \(reply.status): \(reply.text)")
        return try reply.decode(OrderDTO.self)
    }

    /// Waits until the order reaches a final status, and returns it.
    func finalOrder(_ id: UUID, token: String, timeout: Duration) async throws -> OrderDTO {
        let final = try await APIClient.eventually(timeout: timeout, interval: .milliseconds(200)) { () async throws -> OrderDTO? in
            let order = try await order(id, token: token)
            return order.status.isFinal ? order : nil
        }
        return try #require(final, "order \(id) did not reach a final status within \(timeout)")
    }
}
