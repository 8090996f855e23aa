import Foundation

/// The emails the system knows how to render.
public enum EmailTemplate: String, Codable, Sendable, CaseIterable {
    case orderConfirmed = "order-confirmed"
    case orderRejected = "order-rejected"
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
