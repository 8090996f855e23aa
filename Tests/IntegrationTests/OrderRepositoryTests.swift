import Contracts
import Foundation
import OrdersCore
import PostgresNIO
import Storage
import Testing
import TestSupport

@Suite("Orders store (PostgreSQL)")
struct OrderRepositoryTests {
    func newOrder(database: Database) async throws -> Order {
        try await Migrator(database: database).migrate(OrdersMigrations.schema)
        // Created "in an hour", as in OrderPaymentBatchTests: the test stack's checkout sweeper
        // re-drives pending orders older than a few seconds, and on a slow run would send these
        // to the real workers while a test still moves them through their states.
        let now = Date().addingTimeInterval(3600)
        let lines = [
            OrderLineDTO(productId: UUID(), sku: "A-1", name: "Alpha", unitPrice: Money(amount: 250, currency: "EUR"), quantity: 2),
            OrderLineDTO(productId: UUID(), sku: "B-2", name: "Beta", unitPrice: Money(amount: 1000, currency: "EUR"), quantity: 1),
        ]
        let dto = OrderDTO(
            id: UUID(), userId: UUID(), status: .pending, lines: lines, total: Money(amount: 1500, currency: "EUR"),
            statusReason: nil, createdAt: now, updatedAt: now
        )
        let order = Order(dto: dto, email: "buyer@example.com")
        try await OrderRepository(database: database).create(order)
        return order
    }

    @Test func anOrderIsStoredWithItsLinesAndReadBack() async throws {
        try await TestDatabase.withDatabase { database in
            let order = try await newOrder(database: database)
            let found = try #require(try await OrderRepository(database: database).find(id: order.id))
            #expect(found.dto.lines == order.dto.lines)
            #expect(found.dto.total == order.dto.total)
            #expect(found.email == "buyer@example.com")
            #expect(found.status == .pending)
            #expect(found.stockLines.map(\.quantity) == [2, 1])
        }
    }

    @Test func transitionsAreGuardedByTheCurrentStatusAndRecorded() async throws {
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            let order = try await newOrder(database: database)
            #expect(try await orders.transition(order.id, from: [.reserved], to: .confirmed, reason: nil) == false)
            #expect(try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "stock reserved"))
            #expect(try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "again") == false)
            #expect(try await orders.transition(order.id, from: [.reserved], to: .confirmed, reason: "paid"))
            #expect(try await orders.find(id: order.id)?.status == .confirmed)
            #expect(try await orders.find(id: order.id)?.dto.statusReason == "paid")

            let rows = try await database.query(
                "SELECT coalesce(from_status, ''), to_status FROM orders.order_status_history WHERE order_id = \(order.id) ORDER BY id"
            )
            var history: [String] = []
            for (from, to) in try rows.decode((String, String).self) { history.append("\(from)>\(to)") }
            #expect(history == [">pending", "pending>reserved", "reserved>confirmed"])
        }
    }

    @Test func concurrentTransitionsMoveTheOrderOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            let order = try await newOrder(database: database)
            let moved = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await orders.transition(order.id, from: [.pending], to: .rejected, reason: "race") }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(moved == 1)
        }
    }

    @Test func aChargeRetriesTransientFailuresRecordsEveryAttemptAndSettlesOnce() async throws {
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            var order = try await newOrder(database: database)
            order.dto.id = UUID()
            order.paymentMethod = "tok_transient"
            try await orders.create(order)
            #expect(try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "stock reserved"))
            let payment = OrderPayment(database: database, provider: SimulatedPaymentProvider())
            for _ in 0..<SimulatedPaymentProvider.transientFailures {
                await #expect(throws: PaymentProviderError.self) { try await payment.chargeReserved(orderId: order.id) }
                #expect(try await orders.find(id: order.id)?.status == .reserved)
            }
            #expect(try await payment.chargeReserved(orderId: order.id) == .settled(.confirmed))
            #expect(try await payment.chargeReserved(orderId: order.id) == .notReserved(.confirmed))
            let attempts = try await PaymentRepository(database: database).attempts(orderId: order.id)
            #expect(attempts.map(\.status) == [.failed, .failed, .succeeded])

            #expect(try await payment.refundIfCaptured(orderId: order.id) == order.dto.total)
            #expect(try await payment.refundIfCaptured(orderId: order.id) == order.dto.total)
            let afterRefund = try await PaymentRepository(database: database).attempts(orderId: order.id)
            #expect(afterRefund.filter { $0.kind == .refund }.count == 1, "a second refund request must not refund again")
            #expect(OrderPaymentsDTO(orderId: order.id, attempts: afterRefund).state == .refunded)
        }
    }

    @Test func aCancelledOrderIsNeverCharged() async throws {
        try await TestDatabase.withDatabase { database in
            let orders = OrderRepository(database: database)
            let order = try await newOrder(database: database)
            #expect(try await orders.transition(order.id, from: [.pending], to: .reserved, reason: "stock reserved"))
            guard case .cancelled = try await orders.cancel(order, reason: "test") else {
                Issue.record("the reserved order was not cancelled")
                return
            }
            let payment = OrderPayment(database: database, provider: SimulatedPaymentProvider())
            #expect(try await payment.chargeReserved(orderId: order.id) == .notReserved(.cancelled))
            #expect(try await PaymentRepository(database: database).attempts(orderId: order.id).isEmpty)
            #expect(try await payment.refundIfCaptured(orderId: order.id) == nil)
            guard case .alreadyCancelled = try await orders.cancel(order, reason: "again") else {
                Issue.record("a second cancel was not a no-op")
                return
            }
        }
    }
}
