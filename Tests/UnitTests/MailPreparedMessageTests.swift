import Testing
@testable import Mail

@Suite("Rendering a mail for SMTP")
struct MailPreparedMessageTests {
    private let shop = MailAddress("shop@example.com", name: "Shop")

    @Test func rendersEnvelopeAndHeaders() throws {
        let message = MailMessage(
            from: shop,
            to: [MailAddress("zoe@example.org", name: "Zoë"), MailAddress("b@example.org")],
            subject: "Bestätigung",
            textBody: "Hi",
            messageID: "order-42",
            headers: [MailHeader(name: "X-Order-ID", value: "42"), MailHeader(name: "Reply-To", value: "help@example.com")]
        )
        let mail = try PreparedMail(message, date: "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(mail.envelopeSender == "shop@example.com")
        #expect(mail.envelopeRecipients == ["zoe@example.org", "b@example.org"])
        #expect(mail.messageID == "<order-42@example.com>")
        #expect(mail.headerLines == [
            "From: Shop <shop@example.com>",
            "To: =?UTF-8?B?Wm/Dqw==?= <zoe@example.org>, b@example.org",
            "Subject: =?UTF-8?B?QmVzdMOkdGlndW5n?=",
            "Date: Thu, 01 Jan 1970 00:00:00 +0000",
            "Message-ID: <order-42@example.com>",
            "X-Order-ID: 42",
            "Reply-To: help@example.com",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ])
        #expect(String(decoding: mail.content, as: UTF8.self).hasSuffix("\r\n\r\nHi\r\n"))
    }

    @Test func anHTMLBodyMakesTheMessageMultipartAlternativeTextFirst() throws {
        let message = MailMessage(from: shop, to: [MailAddress("a@b.c")], subject: "s", textBody: "Grüße", htmlBody: "<p a=\"1\">h</p>")
        let mail = try PreparedMail(message, date: "d", boundary: "=_b")
        #expect(mail.headerLines.suffix(2) == ["MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"=_b\""])
        let body = String(decoding: mail.content, as: UTF8.self).split(separator: "\r\n\r\n", maxSplits: 1).last.map(String.init)
        #expect(body == """
            This is a multipart message in MIME format.\r
            \r
            --=_b\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Gr=C3=BC=C3=9Fe\r
            --=_b\r
            Content-Type: text/html; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            <p a=3D"1">h</p>\r
            --=_b--\r

            """)
    }

    @Test func aLongRecipientListIsFoldedAndNoLineIsTooLong() throws {
        let recipients = (1...30).map { MailAddress("customer\($0)@example.org", name: "Customer \($0)") }
        let message = MailMessage(from: shop, to: recipients, subject: String(repeating: "Ä", count: 300),
                                  textBody: String(repeating: "x", count: 5_000))
        let mail = try PreparedMail(message, date: "d")
        let lines = String(decoding: mail.content, as: UTF8.self).components(separatedBy: "\r\n")
        // RFC 5322's hard limit is 998; folded lines stay near its recommended 78 (an encoded
        // word of 75 behind "Subject: " is the longest).
        #expect(lines.allSatisfy { $0.utf8.count <= 9 + MIMEHeaderEncoding.maximumWordLength }, "\(lines.filter { $0.utf8.count > 84 })")
        #expect(mail.headerLines[1].hasPrefix("To: Customer 1 <customer1@example.org>,\r\n Customer 2"))
        #expect(mail.content.allSatisfy { $0 < 0x80 })
    }

    @Test func aHeaderValueTooLongForOneLineIsRefused() {
        let message = MailMessage(from: shop, to: [MailAddress("a@b.c")], subject: "s", textBody: "t",
                                  headers: [MailHeader(name: "X-Long", value: String(repeating: "a", count: 1_000))])
        let error = #expect(throws: MailError.self) { try PreparedMail(message, date: "d") }
        #expect(error?.kind == .invalid)
    }

    @Test func normalisesEveryLineBreakToCRLF() {
        #expect(PreparedMail.crlfNormalised("a\nb\r\nc\rd\n\ne") == Array("a\r\nb\r\nc\r\nd\r\n\r\ne".utf8))
        #expect(PreparedMail.crlfNormalised("") == [])
    }

    @Test func keepsOrCompletesTheGivenMessageID() throws {
        #expect(try PreparedMail.messageID("<abc@shop.test>", sender: shop) == "<abc@shop.test>")
        #expect(try PreparedMail.messageID("abc@shop.test", sender: shop) == "<abc@shop.test>")
        #expect(try PreparedMail.messageID("abc", sender: shop) == "<abc@example.com>")
        let generated = try PreparedMail.messageID(nil, sender: shop)
        #expect(generated.hasPrefix("<") && generated.hasSuffix("@example.com>"))
        #expect(try PreparedMail.messageID(nil, sender: shop) != generated)
        #expect(throws: MailError.self) { try PreparedMail.messageID("a b", sender: shop) }
    }

    @Test(arguments: [
        MailHeader(name: "Subject", value: "again"),
        MailHeader(name: "content-type", value: "text/html"),
        MailHeader(name: "X-Bad", value: "one\r\nBcc: evil@example.com"),
        MailHeader(name: "X Bad", value: "v"),
        MailHeader(name: "", value: "v"),
    ])
    func rejectsHeadersThatCouldBreakTheMessage(_ header: MailHeader) {
        let message = MailMessage(from: shop, to: [MailAddress("a@b.c")], subject: "s", textBody: "t", headers: [header])
        #expect(throws: MailError.self) { try PreparedMail(message, date: "d") }
    }

    @Test func rejectsAMessageWithoutRecipientsOrWithABadAddress() {
        let noRecipient = MailMessage(from: shop, to: [], subject: "s", textBody: "t")
        let error = #expect(throws: MailError.self) { try PreparedMail(noRecipient, date: "d") }
        #expect(error?.isTransient == false)
        let badRecipient = MailMessage(from: shop, to: [MailAddress("a@b.c\r\nDATA")], subject: "s", textBody: "t")
        #expect(throws: MailError.self) { try PreparedMail(badRecipient, date: "d") }
    }

    @Test func formatsDatesAsRFC5322InUTC() {
        #expect(MailDate.format(secondsSince1970: 0) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailDate.format(secondsSince1970: 1_795_000_000) == "Wed, 18 Nov 2026 11:06:40 +0000")
        #expect(MailDate.format(secondsSince1970: 951_782_400) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(MailDate.format(secondsSince1970: -86_400) == "Wed, 31 Dec 1969 00:00:00 +0000")
    }

    @Test func classifiesFailuresAsTransientOrPermanent() {
        #expect(MailError(.connectionFailed, message: "refused").isTransient)
        #expect(MailError(.timedOut, message: "slow").isTransient)
        #expect(MailError(.connectionLost, message: "reset").isTransient)
        #expect(MailError(.rejected, responseCode: 451, message: "try later").isTransient)
        #expect(!MailError(.rejected, responseCode: 550, message: "no such user").isTransient)
        #expect(!MailError(.rejected, responseCode: 535, message: "login denied").isTransient)
        #expect(!MailError(.tlsFailed, message: "untrusted certificate").isTransient)
        #expect(!MailError(.invalid, message: "malformed URL").isTransient)
        let error = MailError(.rejected, responseCode: 550, message: "RCPT TO:<a@b.c> was answered 550 no")
        #expect(error.description == "sending mail failed: RCPT TO:<a@b.c> was answered 550 no (SMTP 550) [permanent]")
    }
}

extension PreparedMail {
    /// The header block of `content` as logical lines, without their CRLF (a folded header is
    /// one line, its folds kept): what the tests compare.
    var headerLines: [String] {
        let text = String(decoding: content, as: UTF8.self)
        let block = text.components(separatedBy: "\r\n\r\n").first ?? ""
        var lines: [String] = []
        for physical in block.components(separatedBy: "\r\n") {
            if let first = physical.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += "\r\n" + physical
            } else {
                lines.append(physical)
            }
        }
        return lines
    }
}
