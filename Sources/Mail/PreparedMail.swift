/// A ``MailMessage`` checked and rendered into exactly what curl needs: envelope addresses,
/// header lines (RFC 2047-encoded where needed) and CRLF-normalised bodies. Pure Swift, so it is
/// built before the blocking send is handed to the thread pool.
struct PreparedMail: Sendable, Equatable {
    /// `<address>` for `CURLOPT_MAIL_FROM`.
    var envelopeSender: String
    /// `<address>` per recipient for `CURLOPT_MAIL_RCPT`.
    var envelopeRecipients: [String]
    /// `Name: value` lines for `CURLOPT_HTTPHEADER` (curl adds `MIME-Version` and the top `Content-Type`).
    var headerLines: [String]
    /// The `Message-ID` header value, angle brackets included.
    var messageID: String
    /// The text body with CRLF line breaks (curl's quoted-printable encoder keeps CRLF as line breaks).
    var textBody: [UInt8]
    /// The HTML body with CRLF line breaks, if any.
    var htmlBody: [UInt8]?

    /// Headers that this module writes itself; a caller's extra header may not replace them.
    static let reservedHeaderNames: Set<String> = [
        "from", "to", "cc", "bcc", "subject", "date", "message-id", "mime-version",
        "content-type", "content-transfer-encoding", "content-disposition",
    ]

    init(_ message: MailMessage, date: String) throws(MailError) {
        try message.from.validate()
        guard !message.to.isEmpty else { throw .invalid("the message has no recipient") }
        for recipient in message.to { try recipient.validate() }

        envelopeSender = "<\(message.from.address)>"
        envelopeRecipients = message.to.map { "<\($0.address)>" }
        messageID = try Self.messageID(message.messageID, sender: message.from)

        var lines = [
            "From: \(MIMEHeaderEncoding.mailbox(message.from))",
            "To: \(message.to.map(MIMEHeaderEncoding.mailbox).joined(separator: ", "))",
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
        if message.htmlBody != nil {
            // curl makes this the top-level type (adding the boundary) instead of multipart/mixed.
            lines.append("Content-Type: multipart/alternative")
        }
        headerLines = lines
        textBody = Self.crlfNormalised(message.textBody)
        htmlBody = message.htmlBody.map(Self.crlfNormalised)
    }

    /// `<id@domain>` from a caller's id (brackets optional, domain added if missing) or a random one.
    static func messageID(_ given: String?, sender: MailAddress) throws(MailError) -> String {
        let domain = sender.domain
        guard var id = given else {
            var generator = SystemRandomNumberGenerator()
            let random = (0..<2).map { _ in String(generator.next() as UInt64, radix: 36) }.joined(separator: ".")
            return "<\(random)@\(domain)>"
        }
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
