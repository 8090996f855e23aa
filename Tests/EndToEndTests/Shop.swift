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

    /// A shipping address every checkout in the tests may use.
    static let address = ShippingAddress(name: "Test Customer", line1: "Teststraße 1", city: "Berlin", postalCode: "10115", country: "DE")

    /// `POST /orders/checkout` with a payment method token (see the README's test tokens) and,
    /// when given, an `Idempotency-Key`.
    func checkout(
        token: String, paymentMethod: String = "tok_visa", address: ShippingAddress = Shop.address, idempotencyKey: String? = nil
    ) async throws -> APIClient.Reply {
        try await api.send(
            .POST, "/orders/checkout", json: CheckoutRequest(paymentMethod: paymentMethod, shippingAddress: address), token: token,
            headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? []
        )
    }

    /// Adds `quantity` of the product to the cart, checks out, and waits for the order's final
    /// status (and, when it is confirmed, for the cart to be cleared, so the next order starts
    /// from an empty cart).
    func placeOrder(
        _ productId: UUID, quantity: Int, paymentMethod: String = "tok_visa", token: String, timeout: Duration = .seconds(20)
    ) async throws -> OrderDTO {
        let added = try await addToCart(productId, quantity: quantity, token: token)
        try #require(added.status == 200, "add to cart answered \(added.status): \(added.text)")
        let placed = try await checkout(token: token, paymentMethod: paymentMethod)
        try #require(placed.status == 202, "checkout answered \(placed.status): \(placed.text)")
        let order = try await finalOrder(try placed.decode(OrderDTO.self).id, token: token, timeout: timeout)
        if order.status == .confirmed {
            let cleared = try await APIClient.eventually(timeout: .seconds(10), interval: .milliseconds(100)) { () async throws -> Bool? in
                try await cart(token: token).lines.isEmpty ? true : nil
            }
            try #require(cleared == true, "the cart was not cleared after order \(order.id)")
        }
        return order
    }

    /// The order's payments (`GET /payments/:orderId`).
    func payments(of orderId: UUID, token: String) async throws -> OrderPaymentsDTO {
        let reply = try await api.send(.GET, "/payments/\(orderId.uuidString)", token: token)
        try #require(reply.status == 200, "payments answered \(reply.status): \(reply.text)")
        return try reply.decode(OrderPaymentsDTO.self)
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
