import Foundation
import Testing
import TestSupport

extension MailCatcher {
    /// Waits for an email to `address` whose subject (decoded) contains `subject`, newest first.
    func awaitMessage(to address: String, subject: String, timeout: Duration = .seconds(20)) async throws -> Message {
        let found = try await APIClient.eventually(timeout: timeout, interval: .milliseconds(200)) { () async throws -> Message? in
            try await messages(to: address).first { CaughtEmail.decodeSubject($0.subject).contains(subject) }
        }
        return try #require(found, "no email '\(subject)' to \(address) within \(timeout)")
    }
}

/// Reading what the mail catcher caught: RFC 2047 subjects and quoted-printable bodies.
enum CaughtEmail {
    /// The subject with its `=?UTF-8?B?...?=` / `=?UTF-8?Q?...?=` encoded-words decoded
    /// (whitespace between adjacent encoded-words dropped, as RFC 2047 says).
    static func decodeSubject(_ header: String) -> String {
        let unfolded = header.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\n", with: "")
        let pattern = try! NSRegularExpression(pattern: #"=\?([^?]+)\?([BbQq])\?([^?]*)\?="#)
        var result = ""
        var cursor = unfolded.startIndex
        var lastWasEncoded = false
        for match in pattern.matches(in: unfolded, range: NSRange(unfolded.startIndex..., in: unfolded)) {
            let range = Range(match.range, in: unfolded)!
            let between = String(unfolded[cursor..<range.lowerBound])
            if !(lastWasEncoded && between.allSatisfy(\.isWhitespace)) { result += between }
            let encoding = unfolded[Range(match.range(at: 2), in: unfolded)!].uppercased()
            let text = String(unfolded[Range(match.range(at: 3), in: unfolded)!])
            if encoding == "B", let data = Data(base64Encoded: text) {
                result += String(decoding: data, as: UTF8.self)
            } else {
                result += decodeQuotedPrintable(text.replacingOccurrences(of: "_", with: " "))
            }
            cursor = range.upperBound
            lastWasEncoded = true
        }
        return result + unfolded[cursor...]
    }

    /// Quoted-printable text decoded: soft line breaks removed, `=XX` bytes restored.
    static func decodeQuotedPrintable(_ text: String) -> String {
        let joined = text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")
        var bytes: [UInt8] = []
        var utf8 = Array(joined.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "="), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The 32-hex-digit verification code in a verification email.
    static func verificationCode(in message: MailCatcher.Message) throws -> String {
        let text = decodeQuotedPrintable(message.raw)
        let pattern = try NSRegularExpression(pattern: #"verification code: ([0-9a-f]{32})"#)
        let match = try #require(pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), "no code in \(text)")
        return String(text[Range(match.range(at: 1), in: text)!])
    }

    /// The claims of a JWT (its payload, not verified).
    static func claims(ofJWT token: String) throws -> [String: Any] {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        let data = try #require(Data(base64Encoded: payload))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
