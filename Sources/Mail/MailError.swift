/// Why a mail could not be sent, with what curl and the SMTP server said, and whether trying
/// again later may succeed (a queue consumer retries transient failures and dead-letters the rest).
public struct MailError: Error, Sendable, Hashable {
    /// libcurl's `CURLcode` (e.g. 7 for "couldn't connect", 28 for a timeout), or 0 when the
    /// message or configuration was rejected before curl ran.
    public var curlCode: Int
    /// The last SMTP reply code (e.g. 550 for a rejected recipient), or `nil` if the server never answered.
    public var responseCode: Int?
    /// curl's detailed error text (its error buffer) or our own explanation. Never contains a password.
    public var message: String
    /// `true` for connection failures, timeouts and 4xx replies; `false` for 5xx replies and invalid input.
    public var isTransient: Bool

    /// Creates an error from its parts.
    public init(curlCode: Int, responseCode: Int?, message: String, isTransient: Bool) {
        self.curlCode = curlCode
        self.responseCode = responseCode
        self.message = message
        self.isTransient = isTransient
    }

    /// Whether the SMTP server could not be reached at all (no reply; a 4xx reply is about
    /// this mail, not the server): an outage to wait out rather than a failed attempt.
    public var isServerUnreachable: Bool {
        isTransient && responseCode == nil
    }

    /// A message or configuration that can never be sent as it is.
    static func invalid(_ message: String) -> MailError {
        MailError(curlCode: 0, responseCode: nil, message: message, isTransient: false)
    }

    /// Whether a failure is worth retrying: the SMTP reply class decides when there is one
    /// (4xx transient, 5xx permanent); otherwise network-level curl errors are transient.
    static func isTransient(curlCode: Int, responseCode: Int?) -> Bool {
        if let responseCode {
            if (500..<600).contains(responseCode) { return false }
            if (400..<500).contains(responseCode) { return true }
        }
        return transientCurlCodes.contains(curlCode)
    }

    /// CURLE_COULDNT_RESOLVE_PROXY (5), _RESOLVE_HOST (6), _COULDNT_CONNECT (7), _WEIRD_SERVER_REPLY (8),
    /// _OPERATION_TIMEDOUT (28), _SSL_CONNECT_ERROR (35), _GOT_NOTHING (52), _SEND_ERROR (55),
    /// _RECV_ERROR (56), _AGAIN (81): the network or the server's state, not the message, was at fault.
    private static let transientCurlCodes: Set<Int> = [5, 6, 7, 8, 28, 35, 52, 55, 56, 81]
}

extension MailError: CustomStringConvertible {
    /// One line for logs: what failed, curl's code, the SMTP code and whether it is transient.
    public var description: String {
        var text = "sending mail failed: \(message)"
        if curlCode != 0 { text += " (curl \(curlCode))" }
        if let responseCode { text += " (SMTP \(responseCode))" }
        text += isTransient ? " [transient]" : " [permanent]"
        return text
    }
}
