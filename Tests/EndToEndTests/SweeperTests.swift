import CatalogCore
import Contracts
import Foundation
import OrdersCore
import Storage
import Testing
import TestSupport

/// The checkout worker's sweeper, against the running test stack (it sweeps every second there).
@Suite("Checkout sweeper")
struct SweeperTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    /// An order as the orders service writes it, for `product`.
    func order(for product: ProductDTO, quantity: Int, createdAt: Date) -> Order {
        let line = OrderLineDTO(productId: product.id, sku: product.sku, name: product.name, unitPrice: product.price, quantity: quantity)
        let dto = OrderDTO(
            id: UUID(), userId: UUID(), status: .pending, lines: [line], total: line.lineTotal, statusReason: nil,
            createdAt: createdAt, updatedAt: createdAt
        )
        return Order(dto: dto, email: "\(TestEnvironment.unique("swept"))@example.com")
    }

    @Test("a pending order whose order.placed was never published is re-driven to confirmed")
    func stuckPendingOrderIsRedriven() async throws {
        let product = try await shop.newProduct(stock: 5, adminToken: try await shop.adminToken())
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            // As if the orders service died between committing the order and publishing, a minute
            // ago: past the test stack's SWEEPER_REDRIVE_AFTER_SECONDS, short of its expiry.
            let stuck = order(for: product, quantity: 2, createdAt: Date().addingTimeInterval(-60))
            try await orders.create(stuck)
            let final = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(250)) { () async throws -> Order? in
                let current = try await orders.find(id: stuck.id)
                return current?.status.isFinal == true ? current : nil
            }
            #expect(final?.status == .confirmed)
            let redrives = try await database.query("SELECT redrive_count FROM orders.orders WHERE id = \(stuck.id)")
            #expect(try redrives.decode(Int.self).first ?? 0 >= 1)
        }
        #expect(try await shop.product(product.id).stock == 3)
    }

    @Test("stock held past the reservation timeout is released and the order failed with a reason")
    func expiredReservationIsReleased() async throws {
        let product = try await shop.newProduct(stock: 5, adminToken: try await shop.adminToken())
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            let inventory = InventoryRepository(database: database)
            // An order whose stock was reserved, then nothing more happened (payment never finished).
            // Dated in the future while it is set up, and back-dated only once `reserved`: the
            // sweeper re-drives a `pending` order older than 5 s (and fails one an hour old), and
            // on a loaded machine the three steps below have taken that long.
            let held = order(for: product, quantity: 3, createdAt: Date().addingTimeInterval(600))
            try await orders.create(held)
            let outcome = try await inventory.reserve([ReserveInventory(orderId: held.id, lines: held.stockLines)])
            #expect(outcome[held.id] == .reserved)
            #expect(try await orders.transition(held.id, from: [.pending], to: .reserved, reason: "stock reserved"))
            try await database.query(
                "UPDATE orders.orders SET created_at = now() - interval '1 hour', updated_at = now() - interval '1 hour' WHERE id = \(held.id)"
            )

            let final = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(250)) { () async throws -> Order? in
                let current = try await orders.find(id: held.id)
                return current?.status.isFinal == true ? current : nil
            }
            #expect(final?.status == .failed)
            #expect(final?.dto.statusReason?.contains("stock released") == true)
            let released = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(250)) { () async throws -> Bool? in
                let rows = try await database.query("SELECT available, reserved FROM catalog.inventory WHERE product_id = \(product.id)")
                let (available, reserved) = try #require(try rows.decode((Int, Int).self).first)
                return available == 5 && reserved == 0 ? true : nil
            }
            #expect(released == true, "the held stock was not released")
        }
    }
}
