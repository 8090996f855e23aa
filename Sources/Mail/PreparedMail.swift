/// A ``MailMessage`` checked and rendered into what the SMTP conversation sends: the envelope
/// addresses and the whole RFC 5322 message (headers RFC 2047-encoded where needed, bodies
/// quoted-printable, CRLF line breaks, no line over 998 octets). Pure Swift: built, and any
/// invalid input refused, before a connection is opened.
struct PreparedMail: Sendable, Equatable {
    /// The bare sender address for `MAIL FROM:<...>`.
    var envelopeSender: String
    /// The bare recipient addresses, one `RCPT TO:<...>` each.
    var envelopeRecipients: [String]
    /// The `Message-ID` header value, angle brackets included.
    var messageID: String
    /// The whole message, headers and body, with CRLF line breaks and ending in CRLF; not yet
    /// dot-stuffed (``SMTPConversation`` does that while sending `DATA`).
    var content: [UInt8]

    /// The longest line RFC 5322 allows, CRLF excluded.
    static let maximumLineLength = 998

    /// Headers that this module writes itself; a caller's extra header may not replace them.
    static let reservedHeaderNames: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition",
    ]

    /// Validates and renders `message`. `boundary` separates the alternatives of a message
    /// with an HTML body; the default is random and, starting with `=_`, can never occur in
    /// quoted-printable text.
    init(_ message: MailMessage, date: String, boundary: String = Self.randomBoundary()) throws(MailError) {
        try message.from.validate()
        guard !message.to.isEmpty else { throw .invalid("the message has no recipient") }
        for recipient in message.to { try recipient.validate() }

        envelopeSender = message.from.address
        envelopeRecipients = message.to.map(\.address)
        messageID = try Self.messageID(message.messageID, sender: message.from)

        var lines = [
            "From: \(MIMEHeaderEncoding.mailbox(message.from))",
            Self.addressList("To", message.to),
            "Subject: \(MIMEHeaderEncoding.encode(message.subject))",
            "Date: \(date)",
            "Message-ID: \(messageID)",
        ]
        for header in message.headers {
            guard !header.name.isEmpty,
                  header.name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") })
            else {
                throw .invalid("header name '\(header.name.filter { !$0.isNewline })' is not printable ASCII without ':'")
            }
            guard !Self.reservedHeaderNames.contains(header.name.lowercased()) else {
                throw .invalid("header '\(header.name)' is written by the mailer and cannot be set")
            }
            guard !header.value.contains(where: \.isNewline) else {
                throw .invalid("the value of header '\(header.name)' contains a line break")
            }
            lines.append("\(header.name): \(MIMEHeaderEncoding.encode(header.value))")
        }
        for line in lines {
            for physicalLine in line.split(separator: "\r\n") where physicalLine.utf8.count > Self.maximumLineLength {
                throw .invalid("header '\(line.prefix { $0 != ":" })' has a line longer than \(Self.maximumLineLength) characters")
            }
        }
        lines.append("MIME-Version: 1.0")

        let text = QuotedPrintable.encode(Self.crlfNormalised(message.textBody))
        var body: [UInt8]
        if let html = message.htmlBody.map({ QuotedPrintable.encode(Self.crlfNormalised($0)) }) {
            lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            // Text first: readers show the last alternative they can display.
            body = Array("This is a multipart message in MIME format.\r\n".utf8)
            for (type, encoded) in [("text/plain", text), ("text/html", html)] {
                body += Array("\r\n--\(boundary)\r\n".utf8)
                body += Array(Self.partHeaders(type).map { $0 + "\r\n" }.joined().utf8)
                body += Array("\r\n".utf8) + encoded
            }
            body += Array("\r\n--\(boundary)--\r\n".utf8)
        } else {
            lines += Self.partHeaders("text/plain")
            body = text + Array("\r\n".utf8)
        }
        content = Array(lines.map { $0 + "\r\n" }.joined().utf8) + Array("\r\n".utf8) + body
    }

    /// The `Content-Type` and `Content-Transfer-Encoding` of a UTF-8, quoted-printable text part.
    private static func partHeaders(_ type: String) -> [String] {
        ["Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
    }

    /// `Name: a, b, c` on one line when it fits in 78 characters, otherwise one mailbox per line.
    static func addressList(_ name: String, _ mailboxes: [MailAddress]) -> String {
        let items = mailboxes.map(MIMEHeaderEncoding.mailbox)
        let oneLine = "\(name): " + items.joined(separator: ", ")
        return oneLine.utf8.count <= 78 ? oneLine : "\(name): " + items.joined(separator: ",\r\n ")
    }

    /// A fresh multipart boundary: `=_` and a random token.
    static func randomBoundary() -> String {
        "=_" + randomToken(separator: "_")
    }

    /// Two random 64-bit numbers in base 36, joined by `separator`.
    private static func randomToken(separator: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 36) }.joined(separator: separator)
    }

    /// `<id@domain>` from a caller's id (brackets optional, domain added if missing) or a random one.
    static func messageID(_ given: String?, sender: MailAddress) throws(MailError) -> String {
        let domain = sender.domain
        guard var id = given else { return "<\(randomToken(separator: "."))@\(domain)>" }
        if id.hasPrefix("<") && id.hasSuffix(">") { id = String(id.dropFirst().dropLast()) }
        guard !id.isEmpty, id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) else {
            throw .invalid("message id '\(id.filter { !$0.isNewline })' must be printable ASCII without spaces or angle brackets")
        }
        return id.contains("@") ? "<\(id)>" : "<\(id)@\(domain)>"
    }

    /// The text's UTF-8 with every line break (LF, CR or CRLF) as CRLF.
    static func crlfNormalised(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 32)
        var previousWasCR = false
        for byte in text.utf8 {
            switch byte {
            case 0x0D:
                output += [0x0D, 0x0A]
                previousWasCR = true
            case 0x0A:
                if !previousWasCR { output += [0x0D, 0x0A] }
                previousWasCR = false
            default:
                output.append(byte)
                previousWasCR = false
            }
        }
        return output
    }
}
