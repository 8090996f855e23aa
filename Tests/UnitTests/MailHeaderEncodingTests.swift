import Foundation
import Testing
@testable import Mail

@Suite("RFC 2047 header encoding")
struct MailHeaderEncodingTests {
    /// Decodes `=?UTF-8?B?...?=` words separated by folding whitespace (test-side reference decoder).
    private func decode(_ header: String) -> String? {
        var bytes: [UInt8] = []
        for word in header.split(whereSeparator: { $0 == " " || $0 == "\r\n" || $0 == "\n" }) {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?=") else { return nil }
            guard let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes += data
        }
        return String(validating: bytes, as: UTF8.self)
    }

    @Test func leavesPlainASCIIAlone() {
        #expect(MIMEHeaderEncoding.encode("Your order #1042 is confirmed") == "Your order #1042 is confirmed")
        #expect(MIMEHeaderEncoding.encode("") == "")
    }

    @Test func encodesNonASCIIAsBase64EncodedWords() {
        #expect(MIMEHeaderEncoding.encode("Grüße") == "=?UTF-8?B?R3LDvMOfZQ==?=")
        #expect(decode(MIMEHeaderEncoding.encode("Commande confirmée ✅")) == "Commande confirmée ✅")
    }

    @Test func encodesTextThatLooksLikeAnEncodedWordOrHasControls() {
        #expect(MIMEHeaderEncoding.encode("=?UTF-8?B?x?=") != "=?UTF-8?B?x?=")
        #expect(decode(MIMEHeaderEncoding.encode("=?UTF-8?B?x?=")) == "=?UTF-8?B?x?=")
        #expect(decode(MIMEHeaderEncoding.encode("bell\u{7}")) == "bell\u{7}")
    }

    @Test func splitsLongTextIntoWordsOfAtMost75CharactersOnCharacterBoundaries() {
        let subject = String(repeating: "é", count: 100) + " 注文 🎉👩‍👩‍👧 done"
        let encoded = MIMEHeaderEncoding.encode(subject)
        let words = encoded.components(separatedBy: "\r\n ")
        #expect(words.count > 1)
        for word in words {
            #expect(word.count <= 75, "\(word) is \(word.count) characters")
            // Every word decodes on its own, so no UTF-8 sequence was cut in half.
            #expect(decode(word) != nil)
        }
        #expect(decode(encoded) == subject)
    }

    @Test func base64MatchesRFC4648Vectors() {
        #expect(MIMEHeaderEncoding.base64(Array("".utf8)) == "")
        #expect(MIMEHeaderEncoding.base64(Array("f".utf8)) == "Zg==")
        #expect(MIMEHeaderEncoding.base64(Array("fo".utf8)) == "Zm8=")
        #expect(MIMEHeaderEncoding.base64(Array("foo".utf8)) == "Zm9v")
        #expect(MIMEHeaderEncoding.base64(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(MIMEHeaderEncoding.base64([0xFF, 0xFE, 0x00]) == "//4A")
    }

    @Test func rendersMailboxesForHeaders() {
        #expect(MIMEHeaderEncoding.mailbox(MailAddress("a@b.c")) == "a@b.c")
        #expect(MIMEHeaderEncoding.mailbox(MailAddress("shop@example.com", name: "Shop")) == "Shop <shop@example.com>")
        #expect(MIMEHeaderEncoding.mailbox(MailAddress("j@x.y", name: #"Doe, "JJ" \ Jane"#)) == #""Doe, \"JJ\" \\ Jane" <j@x.y>"#)
        let encoded = MIMEHeaderEncoding.mailbox(MailAddress("z@x.y", name: "Zoë"))
        #expect(encoded == "=?UTF-8?B?Wm/Dqw==?= <z@x.y>")
    }
}
