import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// The `orders.payments` table: every attempt with the provider, charges and refunds. At most
/// one final charge (succeeded or declined) and one succeeded refund per order, whatever the
/// redeliveries: unique indexes make the first recorded answer stick.
public struct PaymentRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// Every attempt for the order, oldest first.
    public func attempts(orderId: UUID) async throws -> [PaymentAttemptDTO] {
        let rows = try await database.query(
            """
            SELECT kind, status, amount, currency, payment_method, provider_reference, reason, created_at
            FROM orders.payments WHERE order_id = \(orderId) ORDER BY id
            """)
        var attempts: [PaymentAttemptDTO] = []
        let columns = (String, String, Int, String, String?, String?, String?, Date).self
        for (kind, status, amount, currency, method, reference, reason, created) in try rows.decode(columns) {
            guard let kind = PaymentKind(rawValue: kind), let status = PaymentAttemptStatus(rawValue: status) else {
                throw OrderStoreError.corrupt("payment of order \(orderId) has kind '\(kind)' and status '\(status)'")
            }
            attempts.append(
                PaymentAttemptDTO(
                    kind: kind, status: status, amount: Money(amount: amount, currency: currency.trimmingCharacters(in: .whitespaces)),
                    paymentMethod: method, reference: reference, reason: reason, createdAt: created
                )
            )
        }
        return attempts
    }

    /// The order's final charge (succeeded or declined), if it was charged before.
    func finalCharge(orderId: UUID, on connection: DatabaseConnection) async throws -> PaymentResult? {
        let rows = try await connection.query(
            """
            SELECT status, coalesce(provider_reference, ''), coalesce(reason, '') FROM orders.payments
            WHERE order_id = \(orderId) AND kind = 'charge' AND status IN ('succeeded', 'declined')
            """)
        for (status, reference, reason) in try rows.decode((String, String, String).self) {
            return status == "succeeded" ? .succeeded(reference: reference) : .declined(reason: reason)
        }
        return nil
    }

    /// Records the provider's final answer to a charge; a second final answer is ignored.
    func recordCharge(orderId: UUID, amount: Money, paymentMethod: String, result: PaymentResult, on connection: DatabaseConnection)
        async throws
    {
        let (status, reference, reason): (String, String?, String?) =
            switch result {
            case .succeeded(let reference): ("succeeded", reference, nil)
            case .declined(let reason): ("declined", nil, reason)
            }
        try await connection.query(
            """
            INSERT INTO orders.payments (order_id, kind, status, amount, currency, payment_method, provider_reference, reason)
            VALUES (\(orderId), 'charge', \(status), \(amount.amount), \(amount.currency), \(paymentMethod), \(reference), \(reason))
            ON CONFLICT (order_id) WHERE kind = 'charge' AND status IN ('succeeded', 'declined') DO NOTHING
            """)
    }

    /// Records an attempt the provider could not answer (it will be retried).
    func recordFailedAttempt(orderId: UUID, kind: PaymentKind, amount: Money, paymentMethod: String?, reason: String) async throws {
        try await database.query(
            """
            INSERT INTO orders.payments (order_id, kind, status, amount, currency, payment_method, reason)
            VALUES (\(orderId), \(kind.rawValue), 'failed', \(amount.amount), \(amount.currency), \(paymentMethod), \(reason))
            """)
    }

    /// The order's captured charge (reference and amount), if the charge succeeded.
    func capturedCharge(orderId: UUID) async throws -> (reference: String, amount: Money)? {
        let rows = try await database.query(
            """
            SELECT coalesce(provider_reference, ''), amount, currency FROM orders.payments
            WHERE order_id = \(orderId) AND kind = 'charge' AND status = 'succeeded'
            """)
        for (reference, amount, currency) in try rows.decode((String, Int, String).self) {
            return (reference, Money(amount: amount, currency: currency.trimmingCharacters(in: .whitespaces)))
        }
        return nil
    }

    /// Whether the order's charge was refunded.
    func isRefunded(orderId: UUID) async throws -> Bool {
        let rows = try await database.query(
            "SELECT 1 FROM orders.payments WHERE order_id = \(orderId) AND kind = 'refund' AND status = 'succeeded'")
        for _ in rows { return true }
        return false
    }

    /// Records a succeeded refund; a second one is ignored.
    func recordRefund(orderId: UUID, amount: Money, reference: String) async throws {
        try await database.query(
            """
            INSERT INTO orders.payments (order_id, kind, status, amount, currency, provider_reference)
            VALUES (\(orderId), 'refund', 'succeeded', \(amount.amount), \(amount.currency), \(reference))
            ON CONFLICT (order_id) WHERE kind = 'refund' AND status = 'succeeded' DO NOTHING
            """)
    }
}

extension OrderPaymentsDTO {
    /// The order's payments summed up from its attempts.
    public init(orderId: UUID, attempts: [PaymentAttemptDTO]) {
        let succeeded = attempts.filter { $0.status == .succeeded }
        let state: PaymentState =
            if succeeded.contains(where: { $0.kind == .refund }) {
                .refunded
            } else if succeeded.contains(where: { $0.kind == .charge }) {
                .paid
            } else if attempts.contains(where: { $0.kind == .charge && $0.status == .declined }) {
                .declined
            } else {
                .unpaid
            }
        self.init(orderId: orderId, state: state, attempts: attempts)
    }
}
