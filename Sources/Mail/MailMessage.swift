/// One email: envelope, headers and a text body with an optional HTML alternative.
public struct MailMessage: Sendable, Hashable {
    /// The sender: the `From` header and the SMTP envelope sender (`MAIL FROM`).
    public var from: MailAddress
    /// The recipients: the `To` header and the SMTP envelope recipients (`RCPT TO`). At least one.
    public var to: [MailAddress]
    /// The subject, any Unicode text (RFC 2047-encoded when not plain ASCII).
    public var subject: String
    /// The plain-text body. Sent alone as one `text/plain` part, or as the first alternative.
    public var textBody: String
    /// An HTML body; when present the mail is `multipart/alternative` (text, then HTML).
    public var htmlBody: String?
    /// A stable id for the `Message-ID` header (so a retried send is recognisably the same mail):
    /// `id@domain` is used as is, a bare `id` becomes `id@<sender's domain>`; surrounding angle
    /// brackets are optional. Generated when `nil`.
    public var messageID: String?
    /// Further headers (e.g. `Reply-To`, `X-Order-ID`). The headers this module writes itself
    /// (`From`, `To`, `Subject`, `Date`, `Message-ID`, `MIME-Version`, `Content-*`) are not allowed.
    public var headers: [MailHeader]

    /// Creates a message.
    public init(
        from: MailAddress,
        to: [MailAddress],
        subject: String,
        textBody: String,
        htmlBody: String? = nil,
        messageID: String? = nil,
        headers: [MailHeader] = []
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.messageID = messageID
        self.headers = headers
    }
}

/// One extra header of a ``MailMessage``.
public struct MailHeader: Sendable, Hashable {
    /// The header name, printable ASCII without `:` or spaces (e.g. `Reply-To`).
    public var name: String
    /// The value, any Unicode text without line breaks (RFC 2047-encoded when not plain ASCII).
    public var value: String

    /// Creates a header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
