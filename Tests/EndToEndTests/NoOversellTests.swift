import Contracts
import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

/// No oversell: however many checkouts race for the last units, stock never goes below zero.
@Suite("No oversell")
struct NoOversellTests {
    @Test("50 concurrent checkouts for a product with stock 10: exactly 10 confirmed, 40 rejected, stock 0")
    func fiftyCheckoutsTenUnits() async throws {
        let shop = try Shop()
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)

        let customers = try await withThrowingTaskGroup(of: Shop.Customer.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let customer = try await shop.newCustomer(name: "Racer \(index)")
                    let added = try await shop.addToCart(product.id, quantity: 1, token: customer.token)
                    try #require(added.status == 200, "add to cart answered \(added.status): \(added.text)")
                    return customer
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        // All checkouts at once.
        let orders = try await withThrowingTaskGroup(of: (OrderDTO, String).self) { group in
            for customer in customers {
                group.addTask {
                    let reply = try await shop.checkout(token: customer.token)
                    try #require(reply.status == 202, "checkout answered \(reply.status): \(reply.text)")
                    return (try reply.decode(OrderDTO.self), customer.token)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(orders.count == 50)

        let finals = try await withThrowingTaskGroup(of: OrderStatus.self) { group in
            for (order, token) in orders {
                group.addTask { try await shop.finalOrder(order.id, token: token, timeout: .seconds(60)).status }
            }
            return try await group.reduce(into: [OrderStatus]()) { $0.append($1) }
        }
        #expect(finals.filter { $0 == .confirmed }.count == 10)
        #expect(finals.filter { $0 == .rejected }.count == 40)
        #expect(try await shop.product(product.id).stock == 0)
        try await expectLedgerNeverNegative(productId: product.id)
    }

    /// Replays the product's ledger in order: the running available count never dips below 0,
    /// and the inventory row agrees with the ledger.
    private func expectLedgerNeverNegative(productId: UUID) async throws {
        try await TestDatabase.withDatabase { database in
            let rows = try await database.query(
                """
                SELECT min(running)::int, (array_agg(running ORDER BY id DESC))[1]::int,
                       (count(*) FILTER (WHERE kind = 'reserve'))::int
                FROM (SELECT id, kind, sum(available_change) OVER (ORDER BY id) AS running
                      FROM catalog.inventory_ledger WHERE product_id = \(productId)) ledger
                """
            )
            for (minimum, final, reservations) in try rows.decode((Int, Int, Int).self) {
                #expect(minimum >= 0)
                #expect(final == 0)
                #expect(reservations == 10)
            }
            let inventory = try await database.query(
                "SELECT available, reserved FROM catalog.inventory WHERE product_id = \(productId)"
            )
            for (available, reserved) in try inventory.decode((Int, Int).self) {
                #expect(available == 0)
                guard reserved != 0 else { continue }
                let settled = try await APIClient.eventually(timeout: .seconds(10)) { () async throws -> Int? in
                    let rows = try await database.query("SELECT reserved FROM catalog.inventory WHERE product_id = \(productId)")
                    for value in try rows.decode(Int.self) where value == 0 { return value }
                    return nil
                }
                #expect(settled == 0, "reserved units were not committed: \(reserved) left")
            }
        }
    }
}
