import Contracts
import Foundation
import Storage

extension OrderPayment {
    /// Charges a batch of orders whose stock was reserved, in ONE transaction (one commit, one
    /// fsync, for the whole batch): each `pending` order becomes `reserved` ("stock reserved"),
    /// then each `reserved` one is charged once (an earlier final answer is reused) and becomes
    /// `confirmed` or `payment_failed`, exactly as ``chargeReserved(orderId:)`` does one order.
    ///
    /// The orders' rows are locked in id order (`FOR NO KEY UPDATE`), so concurrent batches
    /// cannot deadlock and a cancellation waits for the charge, as for one order. An order the
    /// provider could not answer has its attempt recorded, stays `reserved` and gets
    /// ``PaymentProviderError`` as its result (to be retried on its own); unknown orders are
    /// absent from the result.
    public func chargeAfterReservation(orderIds: [UUID]) async throws -> [UUID: Result<Outcome, PaymentProviderError>] {
        let ids = Array(Set(orderIds))
        guard !ids.isEmpty else { return [:] }
        let provider = self.provider
        return try await database.transaction { connection in
            let rows = try await connection.query(
                """
                SELECT id, status, total_amount, currency, coalesce(payment_method, \(Self.legacyPaymentMethod))
                FROM orders.orders WHERE id = ANY(\(ids)) ORDER BY id FOR NO KEY UPDATE
                """)
            var locked: [(id: UUID, status: OrderStatus, amount: Money, method: String)] = []
            for (id, statusText, total, currency, method) in try rows.decode((UUID, String, Int, String, String).self) {
                guard let status = OrderStatus(rawValue: statusText) else {
                    throw OrderStoreError.corrupt("order \(id) has unknown status '\(statusText)'")
                }
                locked.append((id, status, Money(amount: total, currency: currency.trimmingCharacters(in: .whitespaces)), method))
            }
            let chargeable = locked.filter { $0.status == .pending || $0.status == .reserved }.map(\.id)
            let recorded = try await PaymentRepository.finalCharges(orderIds: chargeable, on: connection)

            var results: [UUID: Result<Outcome, PaymentProviderError>] = [:]
            var changes: [StatusChange] = []
            var attempts: [ChargeAttempt] = []
            for order in locked {
                var status = order.status
                if status == .pending {
                    changes.append(StatusChange(orderId: order.id, from: .pending, to: .reserved, reason: "stock reserved"))
                    status = .reserved
                }
                guard status == .reserved else {
                    results[order.id] = .success(.notReserved(status))
                    continue
                }
                let result: PaymentResult
                if let earlier = recorded[order.id] {
                    result = earlier
                } else {
                    do {
                        result = try await provider.charge(orderId: order.id, amount: order.amount, paymentMethod: order.method)
                    } catch let error as PaymentProviderError {
                        attempts.append(ChargeAttempt(orderId: order.id, amount: order.amount, paymentMethod: order.method, unavailable: error))
                        results[order.id] = .failure(error)
                        continue
                    }
                    attempts.append(ChargeAttempt(orderId: order.id, amount: order.amount, paymentMethod: order.method, result: result))
                }
                switch result {
                case .succeeded:
                    changes.append(StatusChange(orderId: order.id, from: .reserved, to: .confirmed, reason: "paid"))
                    results[order.id] = .success(.settled(.confirmed))
                case .declined(let reason):
                    changes.append(
                        StatusChange(orderId: order.id, from: .reserved, to: .paymentFailed, reason: "payment declined: \(reason)"))
                    results[order.id] = .success(.settled(.paymentFailed))
                }
            }
            try await PaymentRepository.record(attempts, on: connection)
            try await OrderRepository.apply(changes, on: connection)
            return results
        }
    }
}
