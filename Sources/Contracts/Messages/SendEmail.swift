import Foundation

/// The emails the system knows how to render, each from
/// `Sources/EmailsCore/Templates/<raw value>.{subject,text,html}.mustache`.
/// The comment on each case lists the variables it renders.
public enum EmailTemplate: String, Codable, Sendable, CaseIterable {
    /// `name`, `token`, `verifyUrl`, `expiresInHours`.
    case verification = "verification"
    /// `name`.
    case welcome = "welcome"
    /// `orderId`, `lines` (`name`, `sku`, `quantity`, `unitPrice`, `lineTotal`), `total`.
    case orderConfirmed = "order-confirmed"
    /// `orderId`, `reason`, `lines` (`name`, `sku`, `quantity`).
    case orderRejected = "order-rejected"
    /// `orderId`, `total`, `reason`.
    case paymentFailed = "payment-failed"
    /// `orderId`, `reason`, `refund` (optional: the amount refunded).
    case orderCancelled = "order-cancelled"
    /// `orderId`, `lines` (`name`, `sku`, `quantity`), `trackingNumber` (optional).
    case orderShipped = "order-shipped"
    /// `subject`, `body`: a free-form message an admin sends with `POST /emails/send`.
    case notice = "notice"
}

/// `email.send`: render a template and send it over SMTP, recording it in the email log.
public struct SendEmail: QueueMessage, IncomingMessage, Hashable {
    public static let queue = QueueName.sendEmail
    public static let messageType = "email.send"

    /// The email log's unique key: the same key is sent once, however often it is delivered
    /// (for example `order-confirmed:<order id>`).
    public var idempotencyKey: String
    public var to: String
    public var template: EmailTemplate
    /// The values the template renders.
    public var variables: [String: JSONValue]

    public init(idempotencyKey: String, to: String, template: EmailTemplate, variables: [String: JSONValue]) {
        self.idempotencyKey = idempotencyKey
        self.to = to
        self.template = template
        self.variables = variables
    }
}
