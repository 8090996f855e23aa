import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// Takes and gives back an order's money, keeping the order's status and the `payments`
/// table in step with the provider.
///
/// A charge runs inside a transaction that holds the order's row (`FOR NO KEY UPDATE`): a
/// cancellation waits for it and then sees the order `confirmed` (and refunds) or
/// `payment_failed`; an order cancelled first is never charged. The simulated provider answers
/// in microseconds; a real provider's call would be bounded by a timeout.
public struct OrderPayment: Sendable {
    /// How a charge ended.
    public enum Outcome: Sendable, Hashable {
        /// The order was `reserved` and is now `confirmed` or `payment_failed`.
        case settled(OrderStatus)
        /// The order was no longer `reserved` (cancelled, failed by the sweeper, settled by
        /// an earlier delivery); nothing was charged.
        case notReserved(OrderStatus)
    }

    /// What happened inside the charge transaction.
    private enum Attempt: Sendable {
        case done(Outcome)
        case unavailable(PaymentProviderError, amount: Money, paymentMethod: String)
    }

    let database: Database
    let payments: PaymentRepository
    let provider: any PaymentProvider
    let logger: Logger

    public init(database: Database, provider: any PaymentProvider) {
        self.database = database
        self.payments = PaymentRepository(database: database)
        self.provider = provider
        self.logger = database.logger
    }

    /// Charges a `reserved` order once and moves it to `confirmed` or `payment_failed`. When the
    /// provider is unavailable the attempt is recorded and ``PaymentProviderError`` is thrown
    /// (the worker runtime retries it with backoff).
    public func chargeReserved(orderId: UUID) async throws -> Outcome {
        let payments = self.payments
        let provider = self.provider
        let attempt: Attempt = try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT status, total_amount, currency, coalesce(payment_method, \(Self.legacyPaymentMethod))
                FROM orders.orders WHERE id = \(orderId) FOR NO KEY UPDATE
                """)
            var found: (String, Int, String, String)?
            for row in try rows.decode((String, Int, String, String).self) { found = row }
            guard let (statusText, total, currency, method) = found, let status = OrderStatus(rawValue: statusText) else {
                throw OrderStoreError.corrupt("order \(orderId) is missing or has an unknown status")
            }
            guard status == .reserved else { return .done(.notReserved(status)) }
            let amount = Money(amount: total, currency: currency.trimmingCharacters(in: .whitespaces))

            let result: PaymentResult
            if let recorded = try await payments.finalCharge(orderId: orderId, on: connection) {
                result = recorded
            } else {
                do {
                    result = try await provider.charge(orderId: orderId, amount: amount, paymentMethod: method)
                } catch let error as PaymentProviderError {
                    return .unavailable(error, amount: amount, paymentMethod: method)
                }
                try await payments.recordCharge(orderId: orderId, amount: amount, paymentMethod: method, result: result, on: connection)
            }
            switch result {
            case .succeeded:
                _ = try await OrderRepository.transition(orderId, from: [.reserved], to: .confirmed, reason: "paid", on: connection)
                return .done(.settled(.confirmed))
            case .declined(let reason):
                _ = try await OrderRepository.transition(
                    orderId, from: [.reserved], to: .paymentFailed, reason: "payment declined: \(reason)", on: connection)
                return .done(.settled(.paymentFailed))
            }
        }
        switch attempt {
        case .done(let outcome):
            return outcome
        case .unavailable(let error, let amount, let method):
            try await payments.recordFailedAttempt(
                orderId: orderId, kind: .charge, amount: amount, paymentMethod: method, reason: error.description)
            logger.warning(
                "payment provider unavailable; the charge will be retried", metadata: ["order.id": "\(orderId)", "error": "\(error)"])
            throw error
        }
    }

    /// Refunds the order's captured charge, once. Returns the amount refunded (now or before),
    /// or `nil` when nothing was captured.
    public func refundIfCaptured(orderId: UUID) async throws -> Money? {
        guard let charge = try await payments.capturedCharge(orderId: orderId) else { return nil }
        if try await payments.isRefunded(orderId: orderId) {
            return charge.amount
        }
        let reference: String
        do {
            reference = try await provider.refund(orderId: orderId, amount: charge.amount, chargeReference: charge.reference)
        } catch {
            try await payments.recordFailedAttempt(
                orderId: orderId, kind: .refund, amount: charge.amount, paymentMethod: nil, reason: error.description)
            throw error
        }
        try await payments.recordRefund(orderId: orderId, amount: charge.amount, reference: reference)
        logger.info("payment refunded", metadata: ["order.id": "\(orderId)", "refund.amount": "\(charge.amount.formatted)"])
        return charge.amount
    }

    /// Orders placed before checkout took a payment method are charged as `tok_visa`.
    static let legacyPaymentMethod = "tok_visa"
}
