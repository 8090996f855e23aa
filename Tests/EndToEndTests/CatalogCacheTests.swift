import CatalogCore
import Contracts
import Foundation
import OrdersCore
import Storage
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

    /// Whether both cached routes show `stock` within a second: the worker drops the cache just
    /// after its transaction commits, and without that drop the cached answers would live for
    /// the cache's TTL (a minute).
    private func bothShow(stock: Int, of product: ProductDTO) async throws -> Bool {
        let fresh = try await APIClient.eventually(timeout: .seconds(1), interval: .milliseconds(50)) { () async throws -> Bool? in
            let one = try await shop.product(product.id).stock
            let inList = try await listed(product)?.stock
            return one == stock && inList == stock ? true : nil
        }
        return fresh == true
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
        #expect(try await bothShow(stock: 15, of: product), "the catalog served stale stock after an adjustment")
    }

    @Test func workerReleasesAreSeenAtOnce() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.create(shop.productRequest(category: TestEnvironment.unique("cache"), stock: 5), adminToken: admin)
        try await TestDatabase.withDatabase { database in
            // An order holding 3 units whose payment never finished: the checkout sweeper has
            // the update-inventory worker release them. Dated in the future while it is set up,
            // so that the sweeper cannot re-drive it as a stuck `pending` order (SweeperTests).
            let orders = OrderRepository(database: database)
            let held = try SweeperTests().order(for: product, quantity: 3, createdAt: Date().addingTimeInterval(600))
            try await orders.create(held)
            let outcome = try await InventoryRepository(database: database).reserve([ReserveInventory(orderId: held.id, lines: held.stockLines)])
            #expect(outcome[held.id] == .reserved)
            #expect(try await orders.transition(held.id, from: [.pending], to: .reserved, reason: "stock reserved"))
            try await warm(product)
            #expect(try await shop.product(product.id).stock == 2)

            try await database.query(
                "UPDATE orders.orders SET created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE id = \(held.id)"
            )
            let released = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(100)) { () async throws -> Bool? in
                try await shop.inventory(product.id).reserved == 0 ? true : nil
            }
            try #require(released == true, "the sweeper did not release the held stock")
        }
        #expect(try await bothShow(stock: 5, of: product), "the catalog served stale stock after a release")
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
