import Contracts
import Foundation
import OrdersCore
import PostgresNIO
import Storage
import Testing
import TestSupport

/// The checkout worker's batch payment against the real PostgreSQL of the test stack: many
/// orders charged in one transaction, each ending as if it had been charged on its own.
@Suite("Order payment in batches (PostgreSQL)")
struct OrderPaymentBatchTests {
    func newOrder(paymentMethod: String, status: OrderStatus = .pending, database: Database) async throws -> Order {
        try await Migrator(database: database).migrate(OrdersMigrations.schema)
        // Created "in an hour": the test stack's checkout sweeper re-drives pending orders
        // older than a few seconds, and would send these to the real workers on a slow run.
        let now = Date().addingTimeInterval(3600)
        let line = OrderLineDTO(productId: UUID(), sku: "A-1", name: "Alpha", unitPrice: Money(amount: 700, currency: "EUR"), quantity: 1)
        let dto = OrderDTO(
            id: UUID(), userId: UUID(), status: .pending, lines: [line], total: Money(amount: 700, currency: "EUR"),
            statusReason: nil, createdAt: now, updatedAt: now
        )
        let order = Order(dto: dto, email: "buyer@example.com", paymentMethod: paymentMethod)
        let orders = OrderRepository(database: database)
        try await orders.create(order)
        if status != .pending {
            #expect(try await orders.transition(order.id, from: [.pending], to: status, reason: "test"))
        }
        return order
    }

    func history(_ orderId: UUID, database: Database) async throws -> [String] {
        let rows = try await database.query(
            "SELECT coalesce(from_status, '-') || '>' || to_status FROM orders.order_status_history WHERE order_id = \(orderId) ORDER BY id")
        return try rows.decode(String.self)
    }

    func payments(_ orderId: UUID, database: Database) async throws -> [String] {
        let rows = try await database.query("SELECT status FROM orders.payments WHERE order_id = \(orderId) ORDER BY id")
        return try rows.decode(String.self)
    }

    @Test("one transaction: approved orders confirmed, a declined one payment_failed, an unavailable one retried alone")
    func aMixedBatch() async throws {
        try await TestDatabase.withDatabase { database in
            let visa = try await newOrder(paymentMethod: "tok_visa", database: database)
            let alreadyReserved = try await newOrder(paymentMethod: "tok_mastercard", status: .reserved, database: database)
            let declined = try await newOrder(paymentMethod: "tok_declined", database: database)
            let transient = try await newOrder(paymentMethod: "tok_transient", database: database)
            let cancelled = try await newOrder(paymentMethod: "tok_visa", status: .cancelled, database: database)
            let payment = OrderPayment(database: database, provider: SimulatedPaymentProvider())
            let orders = OrderRepository(database: database)
            let all = [visa, alreadyReserved, declined, transient, cancelled].map(\.id)

            let outcomes = try await payment.chargeAfterReservation(orderIds: all + [visa.id, UUID()])
            #expect(outcomes.count == 5, "one outcome per known order")
            #expect(try outcomes[visa.id]?.get() == .settled(.confirmed))
            #expect(try outcomes[alreadyReserved.id]?.get() == .settled(.confirmed))
            #expect(try outcomes[declined.id]?.get() == .settled(.paymentFailed))
            #expect(try outcomes[cancelled.id]?.get() == .notReserved(.cancelled))
            guard case .failure(.unavailable) = outcomes[transient.id] else {
                Issue.record("the transient order was not failed: \(String(describing: outcomes[transient.id]))")
                return
            }

            let found = try await orders.find(ids: all)
            #expect(found[visa.id]?.status == .confirmed)
            #expect(found[declined.id]?.status == .paymentFailed)
            #expect(found[declined.id]?.dto.statusReason == "payment declined: card declined")
            #expect(found[transient.id]?.status == .reserved, "the unavailable provider leaves the order reserved for the retry")
            #expect(try await history(visa.id, database: database) == ["->pending", "pending>reserved", "reserved>confirmed"])
            #expect(try await history(alreadyReserved.id, database: database) == ["->pending", "pending>reserved", "reserved>confirmed"])
            #expect(try await history(declined.id, database: database) == ["->pending", "pending>reserved", "reserved>payment_failed"])
            #expect(try await history(transient.id, database: database) == ["->pending", "pending>reserved"])
            #expect(try await payments(visa.id, database: database) == ["succeeded"])
            #expect(try await payments(declined.id, database: database) == ["declined"])
            #expect(try await payments(transient.id, database: database) == ["failed"])
            #expect(try await payments(cancelled.id, database: database).isEmpty, "a cancelled order is never charged")

            // Redelivered: nothing is charged or recorded twice; the transient order's retry
            // (still unavailable once more, then paid) only moves that order.
            let again = try await payment.chargeAfterReservation(orderIds: all)
            #expect(try again[visa.id]?.get() == .notReserved(.confirmed))
            #expect(try again[declined.id]?.get() == .notReserved(.paymentFailed))
            let third = try await payment.chargeAfterReservation(orderIds: all)
            #expect(try third[transient.id]?.get() == .settled(.confirmed))
            #expect(try await payments(visa.id, database: database) == ["succeeded"])
            #expect(try await payments(transient.id, database: database) == ["failed", "failed", "succeeded"])
            #expect(try await history(visa.id, database: database).count == 3)
            #expect(try await history(transient.id, database: database) == ["->pending", "pending>reserved", "reserved>confirmed"])
            let confirmedAt = try await database.query(
                """
                SELECT count(DISTINCT created_at)::int FROM orders.order_status_history
                WHERE order_id = ANY(\([visa.id, alreadyReserved.id])) AND to_status = 'confirmed'
                """)
            #expect(try confirmedAt.decode(Int.self) == [1], "the batch's orders were confirmed in one transaction")
        }
    }
}
