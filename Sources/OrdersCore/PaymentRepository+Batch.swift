import Contracts
import Foundation
import PostgresNIO
import Storage

/// One attempt with the provider to record: a final charge (succeeded or declined) or a charge
/// the provider could not answer (`failed`).
struct ChargeAttempt: Sendable {
    let orderId: UUID
    let amount: Money
    let paymentMethod: String
    let status: String
    let reference: String?
    let reason: String?

    init(orderId: UUID, amount: Money, paymentMethod: String, result: PaymentResult) {
        self.orderId = orderId
        self.amount = amount
        self.paymentMethod = paymentMethod
        switch result {
        case .succeeded(let reference): (status, self.reference, reason) = ("succeeded", reference, nil)
        case .declined(let reason): (status, self.reference, self.reason) = ("declined", nil, reason)
        }
    }

    init(orderId: UUID, amount: Money, paymentMethod: String, unavailable error: PaymentProviderError) {
        self.orderId = orderId
        self.amount = amount
        self.paymentMethod = paymentMethod
        (status, reference, reason) = ("failed", nil, error.description)
    }
}

extension PaymentRepository {
    /// The final charge (succeeded or declined) of each of the orders that were charged before.
    static func finalCharges(orderIds: [UUID], on connection: DatabaseConnection) async throws -> [UUID: PaymentResult] {
        guard !orderIds.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT order_id, status, coalesce(provider_reference, ''), coalesce(reason, '') FROM orders.payments
            WHERE order_id = ANY(\(orderIds)) AND kind = 'charge' AND status IN ('succeeded', 'declined')
            """)
        var charges: [UUID: PaymentResult] = [:]
        for (orderId, status, reference, reason) in try rows.decode((UUID, String, String, String).self) {
            charges[orderId] = status == "succeeded" ? .succeeded(reference: reference) : .declined(reason: reason)
        }
        return charges
    }

    /// Records charge attempts of several orders in one statement; a second final answer for
    /// an order is ignored, as in ``recordCharge(orderId:amount:paymentMethod:result:on:)``.
    static func record(_ attempts: [ChargeAttempt], on connection: DatabaseConnection) async throws {
        guard !attempts.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO orders.payments (order_id, kind, status, amount, currency, payment_method, provider_reference, reason)
            SELECT order_id, 'charge', status, amount, currency, payment_method, nullif(reference, ''), nullif(reason, '')
            FROM unnest(\(attempts.map(\.orderId))::uuid[], \(attempts.map(\.status))::text[], \(attempts.map(\.amount.amount))::int[],
                        \(attempts.map(\.amount.currency))::text[], \(attempts.map(\.paymentMethod))::text[],
                        \(attempts.map { $0.reference ?? "" })::text[], \(attempts.map { $0.reason ?? "" })::text[])
                 AS a(order_id, status, amount, currency, payment_method, reference, reason)
            ON CONFLICT (order_id) WHERE kind = 'charge' AND status IN ('succeeded', 'declined') DO NOTHING
            """)
    }
}
