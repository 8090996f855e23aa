/// RFC 2047 "encoded-words" for header text that is not plain ASCII (subjects, display names).
enum MIMEHeaderEncoding {
    /// The longest encoded-word RFC 2047 allows, `=?UTF-8?B?…?=` included.
    static let maximumWordLength = 75
    /// Bytes of UTF-8 per word: 12 characters of framing leave 63 for base64, i.e. 15 groups of 4
    /// characters, each carrying 3 bytes.
    static let maximumBytesPerWord = (maximumWordLength - 12) / 4 * 3

    /// Whether `text` must be encoded: it has non-ASCII or control characters, or contains `=?`
    /// (which a reader would otherwise try to decode).
    static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 >= 0x7F || ($0 < 0x20 && $0 != 0x09) } || text.contains("=?")
    }

    /// `text` unchanged when it is plain ASCII, otherwise as `=?UTF-8?B?...?=` encoded-words of
    /// at most 75 characters, each holding whole UTF-8 characters, folded onto continuation lines.
    static func encode(_ text: String) -> String {
        guard needsEncoding(text) else { return text }
        return encodedWords(text).joined(separator: "\r\n ")
    }

    /// The encoded-words for `text`, splitting only between Unicode scalars.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytesPerWord {
                words.append(word(chunk))
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + base64(bytes) + "?="
    }

    /// Standard base64 with padding (RFC 4648).
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let first = UInt32(bytes[index])
            let second = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let third = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = first << 16 | second << 8 | third
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A mailbox for a header: `address`, `Name <address>`, `"Doe, Jane" <address>` when the
    /// name has specials, or `=?UTF-8?B?...?= <address>` when it is not ASCII.
    static func mailbox(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.name, !name.isEmpty else { return mailbox.address }
        if needsEncoding(name) {
            return encode(name) + " <\(mailbox.address)>"
        }
        if name.utf8.allSatisfy(isAtomText) {
            return "\(name) <\(mailbox.address)>"
        }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" <\(mailbox.address)>"
    }

    /// RFC 5322 atext plus the spaces between words of a phrase.
    private static func isAtomText(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-/=?^_`{|}~ ".utf8).contains(byte)
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation needed).
    func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
