import Contracts
import Foundation
import Logging
import PostgresNIO
import Storage

/// The `orders.payments` table: one charge per order, whatever the redeliveries.
public struct PaymentRepository: Sendable {
    let database: Database
    let logger: Logger

    public init(database: Database) {
        self.database = database
        self.logger = database.logger
    }

    /// The recorded result for the order, if it was charged before.
    public func result(orderId: UUID) async throws -> PaymentResult? {
        let rows = try await database.query(
            "SELECT status, provider_reference FROM orders.payments WHERE order_id = \(orderId)")
        for (status, reference) in try rows.decode((String, String).self) {
            return status == "succeeded" ? .succeeded(reference: reference) : .declined(reason: reference)
        }
        return nil
    }

    /// Records the provider's answer; the first recorded answer wins and is returned.
    public func record(orderId: UUID, amount: Money, result: PaymentResult) async throws -> PaymentResult {
        let (status, reference) =
            switch result {
            case .succeeded(let reference): ("succeeded", reference)
            case .declined(let reason): ("declined", reason)
            }
        try await database.query(
            """
            INSERT INTO orders.payments (order_id, status, amount, currency, provider_reference)
            VALUES (\(orderId), \(status), \(amount.amount), \(amount.currency), \(reference))
            ON CONFLICT (order_id) DO NOTHING
            """)
        return try await self.result(orderId: orderId) ?? result
    }
}
