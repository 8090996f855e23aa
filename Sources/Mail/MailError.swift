/// Why a mail could not be sent, with what the SMTP server said, and whether trying again
/// later may succeed (a queue consumer retries transient failures and dead-letters the rest).
public struct MailError: Error, Sendable, Hashable {
    /// Where the send failed.
    public enum Kind: String, Sendable, Hashable {
        /// The message or the configuration can never be sent as it is; nothing was sent.
        case invalid
        /// No SMTP conversation started: the name did not resolve, the connection was refused
        /// or timed out, or the server closed it or went silent before its greeting.
        case connectionFailed
        /// The server answered a command with a reply this step does not accept (see ``MailError/responseCode``).
        case rejected
        /// The TLS handshake failed (an untrusted or mismatched certificate, no common
        /// protocol), or TLS is required and the server does not offer `STARTTLS`.
        case tlsFailed
        /// The connection was closed or reset in the middle of the conversation.
        case connectionLost
        /// The whole send took longer than ``SMTPConfiguration/timeout``.
        case timedOut
        /// The server sent something that is not an SMTP reply.
        case protocolViolation
    }

    /// Where the send failed.
    public var kind: Kind
    /// The SMTP reply code that failed the send (e.g. 550 for a rejected recipient), or `nil`
    /// when no reply was at fault.
    public var responseCode: Int?
    /// What went wrong, naming the SMTP step and quoting the server's reply. Never contains a password.
    public var message: String

    /// Creates an error from its parts.
    public init(_ kind: Kind, responseCode: Int? = nil, message: String) {
        self.kind = kind
        self.responseCode = responseCode
        self.message = message
    }

    /// Whether trying again later may succeed. A reply code decides when there is one (4xx
    /// transient, 5xx permanent); otherwise network failures are transient, and invalid input
    /// and TLS failures (configuration or certificates, which a retry does not change) are not.
    public var isTransient: Bool {
        if let responseCode {
            if (500..<600).contains(responseCode) { return false }
            if (400..<500).contains(responseCode) { return true }
        }
        switch kind {
        case .invalid, .tlsFailed: return false
        case .connectionFailed, .rejected, .connectionLost, .timedOut, .protocolViolation: return true
        }
    }

    /// Whether the SMTP server could not be reached at all (no conversation started; a 4xx
    /// reply is about this mail, not the server): an outage to wait out rather than a failed attempt.
    public var isServerUnreachable: Bool {
        kind == .connectionFailed
    }

    /// A message or configuration that can never be sent as it is.
    static func invalid(_ message: String) -> MailError {
        MailError(.invalid, message: message)
    }
}

extension MailError: CustomStringConvertible {
    /// One line for logs: what failed, the SMTP code and whether it is transient.
    public var description: String {
        var text = "sending mail failed: \(message)"
        if let responseCode { text += " (SMTP \(responseCode))" }
        text += isTransient ? " [transient]" : " [permanent]"
        return text
    }
}
