import Contracts
import Foundation

/// What a payment provider answered.
public enum PaymentResult: Sendable, Hashable {
    case succeeded(reference: String)
    case declined(reason: String)
}

/// A payment provider. Charges are idempotent by order id: asking twice for the same order
/// never charges twice.
public protocol PaymentProvider: Sendable {
    func charge(orderId: UUID, amount: Money) async throws -> PaymentResult
}

/// The simulated provider of the walking skeleton: every charge succeeds.
/// (The real provider simulation with decline and transient-failure tokens comes later.)
public struct AlwaysApprovingPaymentProvider: PaymentProvider {
    public init() {}

    public func charge(orderId: UUID, amount: Money) async throws -> PaymentResult {
        .succeeded(reference: "sim_\(orderId.uuidString)")
    }
}
