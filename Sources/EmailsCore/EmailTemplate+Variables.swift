import Contracts

extension EmailTemplate {
    /// The variables a template cannot render without (see each case of ``EmailTemplate``);
    /// `POST /emails/send` refuses a request that lacks one.
    public var requiredVariables: [String] {
        switch self {
        case .verification: ["name", "token", "verifyUrl", "expiresInHours"]
        case .welcome: ["name"]
        case .orderConfirmed: ["orderId", "lines", "total"]
        case .orderRejected: ["orderId", "reason", "lines"]
        case .paymentFailed: ["orderId", "total", "reason"]
        case .orderCancelled: ["orderId", "reason"]
        case .orderShipped: ["orderId", "lines"]
        case .notice: ["subject", "body"]
        }
    }
}
