import Foundation

/// What a payment attempt was for.
public enum PaymentKind: String, Codable, Sendable, CaseIterable {
    /// Taking the order's total.
    case charge
    /// Giving a captured charge back (a cancelled order).
    case refund
}

/// How one attempt with the payment provider ended.
public enum PaymentAttemptStatus: String, Codable, Sendable, CaseIterable {
    case succeeded
    /// The provider refused (final for a charge).
    case declined
    /// The provider could not answer (transient); the attempt is retried.
    case failed
}

/// One call to the payment provider, as recorded in the `payments` table.
public struct PaymentAttemptDTO: Codable, Sendable, Hashable {
    public var kind: PaymentKind
    public var status: PaymentAttemptStatus
    public var amount: Money
    /// The payment method token charged (charges only).
    public var paymentMethod: String?
    /// The provider's reference for a successful charge or refund.
    public var reference: String?
    /// Why a charge was declined or an attempt failed.
    public var reason: String?
    public var createdAt: Date

    public init(
        kind: PaymentKind, status: PaymentAttemptStatus, amount: Money, paymentMethod: String?, reference: String?, reason: String?,
        createdAt: Date
    ) {
        self.kind = kind
        self.status = status
        self.amount = amount
        self.paymentMethod = paymentMethod
        self.reference = reference
        self.reason = reason
        self.createdAt = createdAt
    }
}

/// Where an order's money stands, summed up from its attempts.
public enum PaymentState: String, Codable, Sendable, CaseIterable {
    /// No charge has succeeded or been declined yet.
    case unpaid
    /// The charge succeeded.
    case paid
    /// The charge was declined.
    case declined
    /// The charge succeeded and was refunded.
    case refunded
}

/// `GET /payments/:orderId`: an order's payment and every attempt, oldest first.
public struct OrderPaymentsDTO: Codable, Sendable, Hashable {
    public var orderId: UUID
    public var state: PaymentState
    public var attempts: [PaymentAttemptDTO]

    public init(orderId: UUID, state: PaymentState, attempts: [PaymentAttemptDTO]) {
        self.orderId = orderId
        self.state = state
        self.attempts = attempts
    }
}
