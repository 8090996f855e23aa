import Contracts
import Foundation
import Testing
import TestSupport

/// The authorization matrix of the catalog, inventory and cart routes: no token, an expired
/// one, one signed with another key, a customer on admin routes, and one user on another's cart.
@Suite("Catalog, inventory and cart authorization")
struct CatalogAuthorizationTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test func adminRoutesRefuseEveryoneElse() async throws {
        let probe = try await AuthorizationProbe(shop: shop)
        let admin = try await shop.adminToken()
        let customer = try await shop.newCustomer()
        let product = try await shop.newProduct(stock: 5, adminToken: admin)
        let id = product.id.uuidString
        let create = shop.productRequest()

        try await probe.expectAdminOnly(.POST, "/products", json: create, customerToken: customer.token)
        try await probe.expectAdminOnly(.POST, "/products/bulk", json: BulkCreateProductsRequest(items: [create]), customerToken: customer.token)
        try await probe.expectAdminOnly(
            .PUT, "/products/\(id)",
            json: ReplaceProductRequest(sku: create.sku, name: "x", description: nil, category: "x", price: create.price),
            customerToken: customer.token
        )
        try await probe.expectAdminOnly(.PATCH, "/products/\(id)", json: UpdateProductRequest(name: "Hacked"), customerToken: customer.token)
        try await probe.expectAdminOnly(.DELETE, "/products/\(id)", customerToken: customer.token)
        try await probe.expectAdminOnly(
            .POST, "/inventories/\(id)/adjustments", json: CreateInventoryAdjustmentRequest(type: .stockOut, quantity: 5, reason: "theft"),
            customerToken: customer.token
        )
        try await probe.expectAdminOnly(.GET, "/inventories/\(id)/history", customerToken: customer.token)
        try await probe.expectAdminOnly(.GET, "/inventories/\(id)/adjustments/\(UUID().uuidString)", customerToken: customer.token)

        // Nothing any of them tried took effect.
        let after = try await shop.product(product.id)
        #expect(after.name == product.name && after.active && after.stock == 5)
        #expect(try await shop.api.send(.POST, "/products", json: create, token: admin).status == 201, "a refused caller created \(create.sku)")
        #expect(try await shop.history(product.id, adminToken: admin).total == 1)
    }

    @Test func cartRoutesNeedAValidToken() async throws {
        let probe = try await AuthorizationProbe(shop: shop)
        let productId = UUID().uuidString
        try await probe.expectRefusedWithoutValidToken(.GET, "/cart")
        try await probe.expectRefusedWithoutValidToken(.DELETE, "/cart")
        try await probe.expectRefusedWithoutValidToken(.POST, "/cart/items", json: AddCartItemRequest(productId: UUID(), quantity: 1))
        try await probe.expectRefusedWithoutValidToken(.PATCH, "/cart/items/\(productId)", json: SetCartItemQuantityRequest(quantity: 1))
        try await probe.expectRefusedWithoutValidToken(.DELETE, "/cart/items/\(productId)")
    }

    @Test func oneUserNeverReachesAnothersCart() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let alice = try await shop.newCustomer(name: "Alice")
        let bob = try await shop.newCustomer(name: "Bob")
        _ = try await shop.addToCart(product.id, quantity: 2, token: alice.token)
        let probe = try await AuthorizationProbe(shop: shop)

        #expect(try await shop.cart(token: bob.token).lines.isEmpty, "Bob sees Alice's cart")
        try await probe.expectOtherUserRefused(.DELETE, "/cart/items/\(product.id.uuidString)", token: bob.token, allowed: [404])
        _ = try await shop.api.send(.DELETE, "/cart", token: bob.token)
        _ = try await shop.api.send(.PATCH, "/cart/items/\(product.id.uuidString)", json: SetCartItemQuantityRequest(quantity: 5), token: bob.token)

        #expect(try await shop.cart(token: alice.token).lines.map(\.quantity) == [2], "Bob changed Alice's cart")
        #expect(try await shop.cart(token: bob.token).lines.map(\.quantity) == [5])
    }
}
