import Contracts
import Foundation
import Testing
import TestSupport

/// The Redis cache of `GET /products` and `GET /products/:id` is dropped on every product
/// change and every stock change, including the ones the `update-inventory` worker makes.
@Suite("Catalog cache invalidation")
struct CatalogCacheTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    /// Reads the product and a list holding it twice, so both are certainly cached.
    private func warm(_ product: ProductDTO) async throws {
        for _ in 0..<2 {
            _ = try await shop.product(product.id)
            _ = try await shop.products("?category=\(product.category)")
        }
    }

    private func listed(_ product: ProductDTO) async throws -> ProductDTO? {
        try await shop.products("?category=\(product.category)").items.first { $0.id == product.id }
    }

    @Test func productChangesAreSeenAtOnce() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.create(shop.productRequest(category: TestEnvironment.unique("cache"), cents: 1000), adminToken: admin)
        try await warm(product)

        let patched = try await shop.api.send(
            .PATCH, "/products/\(product.id.uuidString)", json: UpdateProductRequest(price: Money(amount: 1234, currency: "EUR")), token: admin
        )
        #expect(patched.status == 200)
        #expect(try await shop.product(product.id).price.amount == 1234, "GET /products/:id served a stale price")
        #expect(try await listed(product)?.price.amount == 1234, "GET /products served a stale price")

        #expect(try await shop.api.send(.DELETE, "/products/\(product.id.uuidString)", token: admin).status == 204)
        #expect(try await shop.product(product.id).active == false)
        #expect(try await listed(product) == nil, "GET /products still lists a deleted product")
    }

    @Test func workerAdjustmentsAreSeenAtOnce() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.create(shop.productRequest(category: TestEnvironment.unique("cache"), stock: 10), adminToken: admin)
        try await warm(product)

        #expect(try await shop.adjust(product.id, .stockIn, 5, adminToken: admin).status == .applied)
        #expect(try await shop.product(product.id).stock == 15, "GET /products/:id served stale stock after an adjustment")
        #expect(try await listed(product)?.stock == 15, "GET /products served stale stock after an adjustment")
    }

    @Test func checkoutReservationsAreSeenAtOnce() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.create(shop.productRequest(category: TestEnvironment.unique("cache"), stock: 10), adminToken: admin)
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 3, token: customer.token).status == 200)
        try await warm(product)

        let placed = try await shop.checkout(token: customer.token)
        try #require(placed.status == 202, "checkout answered \(placed.status): \(placed.text)")
        let order = try await shop.finalOrder(try placed.decode(OrderDTO.self).id, token: customer.token, timeout: .seconds(15))
        #expect(order.status == .confirmed)
        // The worker reserved (and then committed) the stock: the cached answers are gone.
        #expect(try await shop.product(product.id).stock == 7, "GET /products/:id served stale stock after a reservation")
        #expect(try await listed(product)?.stock == 7, "GET /products served stale stock after a reservation")
        let committed = try await APIClient.eventually(timeout: .seconds(10)) { () async throws -> InventoryDTO? in
            let stock = try await shop.inventory(product.id)
            return stock.reserved == 0 ? stock : nil
        }
        #expect(committed?.available == 7, "the paid order's stock was not committed: \(String(describing: committed))")
        let ledger = try await shop.history(product.id, adminToken: admin).items
        #expect(ledger.map(\.kind) == ["commit", "reserve", "initial"])
        #expect(ledger.prefix(2).allSatisfy { $0.orderId == order.id }, "reserve and commit must name their order")
    }
}
