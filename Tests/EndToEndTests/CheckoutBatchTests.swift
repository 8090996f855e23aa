import Contracts
import Foundation
import Storage
import Testing
import TestSupport

/// The checkout worker handles its events in batches (`queues.yaml`): held back while the
/// checkouts queue up, it gets them as one batch, and still settles each order on its own.
@Suite("Checkout in batches")
struct CheckoutBatchTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test("one batch: a declined order fails alone, a vanished order is dead-lettered alone, the others are confirmed together")
    func mixedBatch() async throws {
        let admin = try await shop.adminToken()
        let product = try await shop.newProduct(stock: 10, adminToken: admin)
        let methods = ["tok_visa", "tok_visa", "tok_declined", "tok_mastercard", "tok_visa", "tok_visa"]
        let customers = try await CheckoutLoad.forEach(methods, parallel: 6) { _ in
            let customer = try await shop.newCustomer()
            #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)
            return customer
        }
        let deadLetteredBefore = try await checkoutMetric("worker_messages_dead_lettered_total")

        // Hold the checkout worker so that every order.placed waits in its queue, then let it
        // take them all at once (prefetch and batch size are above six).
        let worker = try StackControl.pid(of: "checkout")
        try #require(kill(worker, SIGSTOP) == 0)
        let orderIds: [UUID]
        do {
            orderIds = try await CheckoutLoad.forEach(Array(zip(customers, methods)), parallel: 6) { customer, method in
                let placed = try await shop.checkout(token: customer.token, paymentMethod: method)
                try #require(placed.status == 202, "checkout answered \(placed.status): \(placed.text)")
                return try placed.decode(OrderDTO.self).id
            }
            // The last order vanishes before the worker sees its order.placed: a message that
            // can never succeed, in the middle of the batch.
            try await StackDatabase.database.query("DELETE FROM orders.orders WHERE id = \(orderIds[5])")
        } catch {
            kill(worker, SIGCONT)
            throw error
        }
        try #require(kill(worker, SIGCONT) == 0)

        var finals: [OrderDTO] = []
        for (customer, orderId) in zip(customers, orderIds).prefix(5) {
            finals.append(try await shop.finalOrder(orderId, token: customer.token, timeout: .seconds(20)))
        }
        #expect(finals.map(\.status) == [.confirmed, .confirmed, .paymentFailed, .confirmed, .confirmed])
        #expect(try await shop.payments(of: orderIds[2], token: customers[2].token).attempts.map(\.status) == [.declined])
        try await shop.expectStock(product.id, 6, timeout: .seconds(10))

        let deadLettered = try await APIClient.eventually(timeout: .seconds(10), interval: .milliseconds(200)) { () async throws -> Double? in
            let now = try await checkoutMetric("worker_messages_dead_lettered_total")
            return now > deadLetteredBefore ? now : nil
        }
        #expect(deadLettered == deadLetteredBefore + 1, "the vanished order's message, and only it, is dead-lettered")

        // The confirmed orders were charged together: their `confirmed` rows share one transaction's time.
        let confirmedIds = [0, 1, 3, 4].map { orderIds[$0] }
        let rows = try await StackDatabase.database.query(
            """
            SELECT count(DISTINCT created_at)::int FROM orders.order_status_history
            WHERE order_id = ANY(\(confirmedIds)) AND to_status = 'confirmed'
            """)
        let transactions = try rows.decode(Int.self).first ?? 0
        #expect(transactions >= 1 && transactions < confirmedIds.count, "each of the 4 orders was confirmed in a transaction of its own")
    }

    /// A counter of the checkout worker's `/metrics` (0 before its first increment).
    func checkoutMetric(_ name: String) async throws -> Double {
        let port = try TestEnvironment.require("CHECKOUT_WORKER_PORT")
        let metrics = try await APIClient(baseURL: "http://127.0.0.1:\(port)").send(.GET, "/metrics")
        let prefix = #"\#(name){queue="checkout"} "#
        let line = metrics.text.split(separator: "\n").first { $0.hasPrefix(prefix) }
        return line.flatMap { Double($0.dropFirst(prefix.count)) } ?? 0
    }
}
