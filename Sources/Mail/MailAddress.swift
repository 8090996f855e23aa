/// A mailbox: an address with an optional display name, as in `Shop <shop@example.com>`.
public struct MailAddress: Sendable, Hashable {
    /// The bare address, `local@domain`.
    public var address: String
    /// The display name, or `nil`. Any Unicode text; it is RFC 2047-encoded in headers when needed.
    public var name: String?

    /// Creates a mailbox without checking it; ``SMTPMailer/send(_:)`` validates before sending.
    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }

    /// Parses `Name <local@domain>`, `"Doe, Jane" <local@domain>`, `<local@domain>` or `local@domain`.
    /// - Throws: ``MailError`` (``MailError/Kind/invalid``) saying what is wrong.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingASCIIWhitespace()
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let rawName = trimmed[..<open].trimmingASCIIWhitespace()
            if !rawName.hasPrefix("\""), rawName.contains(where: { $0 == "<" || $0 == ">" }) {
                throw MailError.invalid("'\(text.filter { !$0.isNewline })' is not one mailbox: quote a display name containing '<' or '>'")
            }
            self.init(address, name: rawName.isEmpty ? nil : Self.unquoted(rawName))
        } else {
            self.init(String(trimmed))
        }
        try validate()
    }

    /// Checks that the address is `local@domain` in printable ASCII without spaces or angle
    /// brackets, and that the name has no control characters (which could inject headers).
    func validate() throws(MailError) {
        guard let at = address.lastIndex(of: "@") else {
            throw .invalid("mail address '\(address)' has no '@'")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else {
            throw .invalid("mail address '\(address)' needs text on both sides of '@'")
        }
        let forbidden: Set<UInt8> = [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";")]
        guard address.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }) else {
            throw .invalid("mail address '\(address.filter { !$0.isNewline })' contains a character that is not allowed")
        }
        guard !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            throw .invalid("mail address '\(address)' has an invalid domain")
        }
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid("the display name of '\(address)' contains a control character")
        }
    }

    /// Removes the quotes and backslash escapes of a quoted-string display name.
    private static func unquoted(_ name: Substring) -> String {
        guard name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") else { return String(name) }
        var result = ""
        var escaped = false
        for character in name.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

extension MailAddress: CustomStringConvertible {
    /// The mailbox as written in a header (`Name <address>`), before any RFC 2047 encoding.
    public var description: String {
        guard let name else { return address }
        return "\(name) <\(address)>"
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs, CR and LF.
    func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\n" || $0 == "\r" }
        let text = Substring(self)
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return text[first...last]
    }
}

extension MailAddress {
    /// The part after the `@`: `example.com` for `shop@example.com`.
    public var domain: String {
        address.split(separator: "@").last.map(String.init) ?? "localhost"
    }
}
