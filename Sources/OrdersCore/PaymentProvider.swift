import Contracts
import Foundation

/// What a payment provider answered to a charge.
public enum PaymentResult: Sendable, Hashable {
    case succeeded(reference: String)
    case declined(reason: String)
}

/// A payment provider. Charges and refunds are idempotent by order id: asking twice for the
/// same order never moves money twice, and returns the first answer.
public protocol PaymentProvider: Sendable {
    /// Charges `amount` to the payment method token for the order. Throws
    /// ``PaymentProviderError/unavailable(_:)`` when the provider cannot answer right now.
    func charge(orderId: UUID, amount: Money, paymentMethod: String) async throws(PaymentProviderError) -> PaymentResult
    /// Refunds the order's captured charge; returns the refund's reference.
    func refund(orderId: UUID, amount: Money, chargeReference: String) async throws(PaymentProviderError) -> String
}

/// The provider could not answer; asking again later may succeed.
public enum PaymentProviderError: Error, CustomStringConvertible, Hashable {
    case unavailable(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "payment provider unavailable: \(reason)"
        }
    }
}
