import Contracts
import Foundation
import Storage
import Testing
import TestSupport

/// The sweeper finishes cancellations whose `order.cancelled` never reached the broker.
@Suite("Checkout sweeper: cancellations")
struct CancellationSweepTests {
    @Test("a cancelled order without a recorded compensation is re-driven: stock back, charge refunded")
    func unfinishedCancellationIsRedriven() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 6, adminToken: admin)
        let customer = try await shop.newCustomer()
        let order = try await shop.placeOrder(product.id, quantity: 2, token: customer.token)
        try #require(order.status == .confirmed)

        try await TestDatabase.withDatabase { database in
            // As if the orders service cancelled the order and died before order.cancelled was
            // confirmed, a minute ago (past the test stack's SWEEPER_REDRIVE_AFTER_SECONDS).
            try await database.query(
                """
                UPDATE orders.orders SET status = 'cancelled', status_reason = 'cancelled by the customer',
                    updated_at = now() - interval '1 minute', compensated_at = NULL
                WHERE id = \(order.id)
                """)
            let compensated = try await APIClient.eventually(timeout: .seconds(20), interval: .milliseconds(250)) { () async throws -> Bool? in
                let rows = try await database.query("SELECT compensated_at IS NOT NULL FROM orders.orders WHERE id = \(order.id)")
                return try rows.decode(Bool.self).first == true ? true : nil
            }
            #expect(compensated == true, "the sweeper never re-drove the cancellation")
        }
        let restocked = try await APIClient.eventually(timeout: .seconds(10), interval: .milliseconds(200)) { () async throws -> Int? in
            let stock = try await shop.product(product.id).stock
            return stock == 6 ? stock : nil
        }
        #expect(restocked == 6)
        #expect(try await shop.payments(of: order.id, token: customer.token).state == .refunded)
    }
}
