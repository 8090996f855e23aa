import Contracts
import Foundation

/// A payment provider simulated in process, driven by documented test tokens (like a real
/// provider's test mode):
///
/// | token                    | charge                                                      |
/// |--------------------------|-------------------------------------------------------------|
/// | `tok_visa`, `tok_mastercard` | succeeds                                                |
/// | `tok_declined`           | declined: "card declined"                                   |
/// | `tok_insufficient_funds` | declined: "insufficient funds"                              |
/// | `tok_transient`          | unavailable on the first two attempts per order, then succeeds |
/// | anything else            | declined: "unknown payment method"                          |
///
/// Refunds always succeed. Like a real provider it remembers what it did per order (in this
/// process): the same order is never charged or refunded twice, and gets its first answer again.
public actor SimulatedPaymentProvider: PaymentProvider {
    /// The tokens that are charged successfully.
    public static let approvingTokens: Set<String> = ["tok_visa", "tok_mastercard"]
    /// The tokens that are declined, with the reason the provider gives.
    public static let decliningTokens: [String: String] = ["tok_declined": "card declined", "tok_insufficient_funds": "insufficient funds"]
    /// The token that fails transiently `transientFailures` times per order, then succeeds.
    public static let transientToken = "tok_transient"
    public static let transientFailures = 2

    private var charges: [UUID: PaymentResult] = [:]
    private var refunds: [UUID: String] = [:]
    private var transientAttempts: [UUID: Int] = [:]

    public init() {}

    public func charge(orderId: UUID, amount: Money, paymentMethod: String) throws(PaymentProviderError) -> PaymentResult {
        if let earlier = charges[orderId] {
            return earlier
        }
        let result: PaymentResult
        if Self.approvingTokens.contains(paymentMethod) {
            result = .succeeded(reference: "ch_sim_\(orderId.uuidString.lowercased())")
        } else if let reason = Self.decliningTokens[paymentMethod] {
            result = .declined(reason: reason)
        } else if paymentMethod == Self.transientToken {
            let attempts = transientAttempts[orderId, default: 0] + 1
            transientAttempts[orderId] = attempts
            guard attempts > Self.transientFailures else {
                throw .unavailable("simulated outage \(attempts) of \(Self.transientFailures) for \(Self.transientToken)")
            }
            result = .succeeded(reference: "ch_sim_\(orderId.uuidString.lowercased())")
        } else {
            result = .declined(reason: "unknown payment method")
        }
        charges[orderId] = result
        return result
    }

    public func refund(orderId: UUID, amount: Money, chargeReference: String) throws(PaymentProviderError) -> String {
        if let earlier = refunds[orderId] {
            return earlier
        }
        let reference = "re_sim_\(orderId.uuidString.lowercased())"
        refunds[orderId] = reference
        return reference
    }
}
