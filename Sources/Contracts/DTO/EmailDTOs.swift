import Foundation

/// `POST /emails/send` (admin): queue one email from a template.
public struct SendEmailRequest: Codable, Sendable {
    public var to: String
    /// An ``EmailTemplate`` name, e.g. `notice`.
    public var template: String
    /// The values the template renders (see each ``EmailTemplate`` case).
    public var variables: [String: JSONValue]
    /// Sends the email at most once per key; generated when absent.
    public var idempotencyKey: String?

    public init(to: String, template: String, variables: [String: JSONValue], idempotencyKey: String? = nil) {
        self.to = to
        self.template = template
        self.variables = variables
        self.idempotencyKey = idempotencyKey
    }
}

/// The `202` answer of `POST /emails/send`: the email is queued.
public struct SendEmailAccepted: Codable, Sendable {
    public var idempotencyKey: String
    public var to: String
    public var template: String

    public init(idempotencyKey: String, to: String, template: String) {
        self.idempotencyKey = idempotencyKey
        self.to = to
        self.template = template
    }
}
