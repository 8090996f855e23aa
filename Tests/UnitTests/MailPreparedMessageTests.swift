import Testing
@testable import Mail

@Suite("Rendering a mail for curl")
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
        #expect(mail.envelopeSender == "<shop@example.com>")
        #expect(mail.envelopeRecipients == ["<zoe@example.org>", "<b@example.org>"])
        #expect(mail.messageID == "<order-42@example.com>")
        #expect(mail.headerLines == [
            "From: Shop <shop@example.com>",
            "To: =?UTF-8?B?Wm/Dqw==?= <zoe@example.org>, b@example.org",
            "Subject: =?UTF-8?B?QmVzdMOkdGlndW5n?=",
            "Date: Thu, 01 Jan 1970 00:00:00 +0000",
            "Message-ID: <order-42@example.com>",
            "X-Order-ID: 42",
            "Reply-To: help@example.com",
        ])
        #expect(mail.htmlBody == nil)
    }

    @Test func anHTMLBodyMakesTheMessageMultipartAlternative() throws {
        let message = MailMessage(from: shop, to: [MailAddress("a@b.c")], subject: "s", textBody: "t", htmlBody: "<p>h</p>")
        let mail = try PreparedMail(message, date: "d")
        #expect(mail.headerLines.last == "Content-Type: multipart/alternative")
        #expect(mail.htmlBody == Array("<p>h</p>".utf8))
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
        #expect(MailError.isTransient(curlCode: 7, responseCode: nil))  // couldn't connect
        #expect(MailError.isTransient(curlCode: 28, responseCode: nil))  // timeout
        #expect(MailError.isTransient(curlCode: 55, responseCode: 451))  // 4xx: try later
        #expect(!MailError.isTransient(curlCode: 55, responseCode: 550))  // rejected recipient
        #expect(!MailError.isTransient(curlCode: 67, responseCode: 535))  // login denied
        #expect(!MailError.isTransient(curlCode: 3, responseCode: nil))  // malformed URL
        let error = MailError(curlCode: 7, responseCode: nil, message: "Failed to connect", isTransient: true)
        #expect(error.description == "sending mail failed: Failed to connect (curl 7) [transient]")
    }
}
