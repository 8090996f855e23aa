import Contracts
import Foundation
import Testing
import TestSupport

/// The authorization matrix of `/orders` and `/payments`: no token, an expired one, one signed
/// with another key, a customer on admin routes, and user A on user B's order and payment.
@Suite("Orders: authorization matrix")
struct OrdersAuthorizationTests {
    @Test("every orders and payments route refuses bad tokens, customers on admin routes and other users")
    func matrix() async throws {
        let shop = try Shop()
        let probe = try await AuthorizationProbe(shop: shop)
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let owner = try await shop.newCustomer(name: "Owner")
        let stranger = try await shop.newCustomer(name: "Stranger")
        let order = try await shop.placeOrder(product.id, quantity: 1, token: owner.token)
        let id = order.id.uuidString
        let body = CheckoutRequest(paymentMethod: "tok_visa", shippingAddress: Shop.address)

        try await probe.expectRefusedWithoutValidToken(.POST, "/orders/checkout", json: body)
        try await probe.expectRefusedWithoutValidToken(.GET, "/orders")
        try await probe.expectRefusedWithoutValidToken(.GET, "/orders?all=true")
        try await probe.expectRefusedWithoutValidToken(.GET, "/orders/\(id)")
        try await probe.expectRefusedWithoutValidToken(.POST, "/orders/\(id)/cancel")
        try await probe.expectRefusedWithoutValidToken(.GET, "/payments/\(id)")
        try await probe.expectAdminOnly(.POST, "/orders/\(id)/ship", customerToken: owner.token)
        try await probe.expectAdminOnly(.GET, "/orders?all=true", customerToken: owner.token)

        try await probe.expectOtherUserRefused(.GET, "/orders/\(id)", token: stranger.token, allowed: [404])
        try await probe.expectOtherUserRefused(.POST, "/orders/\(id)/cancel", token: stranger.token, allowed: [404])
        try await probe.expectOtherUserRefused(.GET, "/payments/\(id)", token: stranger.token, allowed: [404])
        let strangersList = try await shop.api.send(.GET, "/orders", token: stranger.token).decode(Page<OrderDTO>.self)
        #expect(!strangersList.items.contains { $0.id == order.id })

        // None of it changed the order.
        #expect(try await shop.order(order.id, token: owner.token).status == .confirmed)
    }
}
