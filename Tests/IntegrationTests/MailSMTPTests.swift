import Foundation
import Mail
import Testing

@Suite("SMTPMailer against a real SMTP server, read back through the MailHog API")
struct MailSMTPTests {
    private static let shop = MailAddress("shop@example.com", name: "Shop")

    @Test func sendsTextAndHTMLAlternativesThatReadBackIntact() async throws {
        let (smtpURL, mailhogURL) = try MailTestEnvironment.urls()
        let messageID = "order-confirmed-\(UUID().uuidString)@shop.test"
        let subject = "Bestellbestätigung ✅ — 注文 #1042 — " + String(repeating: "Grüße ", count: 8)
        let text = """
            Hallo Zoë,

            thanks for order #1042 (total 49,90 €).
            .
            This line is deliberately long enough that quoted-printable must wrap it with a soft line break.
            """
        let html = "<p>Hallo Zoë, thanks for order <b>#1042</b> (total 49,90&nbsp;€).</p>"
        let message = MailMessage(
            from: Self.shop,
            to: [MailAddress("zoe@example.org", name: "Zoë Ünal")],
            subject: subject,
            textBody: text,
            htmlBody: html,
            messageID: messageID,
            headers: [MailHeader(name: "X-Order-ID", value: "1042")]
        )

        let sentID = try await withMailer(SMTPConfiguration(url: smtpURL)) { try await $0.send(message) }
        #expect(sentID == "<\(messageID)>")

        let item = try await MailHogMessages.waitForMessage(id: "<\(messageID)>", at: mailhogURL)
        #expect(item.raw.from == "shop@example.com")
        #expect(item.raw.to == ["zoe@example.org"])
        #expect(item.header("Message-ID") == ["<\(messageID)>"])
        #expect(item.header("X-Order-ID") == ["1042"])

        let mail = try ReceivedMail(raw: item.raw.data)
        #expect(ReceivedMail.decodedHeader(try #require(mail.headers["subject"])) == subject)
        #expect(ReceivedMail.decodedHeader(try #require(mail.headers["from"])) == "Shop <shop@example.com>")
        #expect(ReceivedMail.decodedHeader(try #require(mail.headers["to"])) == "Zoë Ünal <zoe@example.org>")
        #expect(mail.headers["date"]?.hasSuffix("+0000") == true)
        #expect(mail.headers["mime-version"] == "1.0")
        #expect(mail.headers["content-type"]?.hasPrefix("multipart/alternative;") == true)

        #expect(mail.parts.count == 2)
        let textPart = try #require(mail.part("text/plain"))
        let htmlPart = try #require(mail.part("text/html"))
        #expect(textPart.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(textPart.headers["content-transfer-encoding"] == "quoted-printable")
        #expect(textPart.body == text.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(htmlPart.body == html)
        // Text comes first: readers show the last alternative they understand.
        #expect(mail.parts.first?.headers["content-type"]?.hasPrefix("text/plain") == true)
    }

    @Test func aTextOnlyMessageHasOneTextPart() async throws {
        let (smtpURL, mailhogURL) = try MailTestEnvironment.urls()
        let messageID = "text-only-\(UUID().uuidString)@shop.test"
        let message = MailMessage(
            from: Self.shop, to: [MailAddress("a@example.org"), MailAddress("b@example.org")],
            subject: "Plain ASCII subject", textBody: "Just text.", messageID: messageID
        )
        _ = try await withMailer(SMTPConfiguration(url: smtpURL)) { try await $0.send(message) }

        let item = try await MailHogMessages.waitForMessage(id: "<\(messageID)>", at: mailhogURL)
        #expect(Set(item.raw.to) == ["a@example.org", "b@example.org"])
        let mail = try ReceivedMail(raw: item.raw.data)
        #expect(mail.headers["subject"] == "Plain ASCII subject")
        #expect(mail.parts.count == 1)
        #expect(mail.parts.first?.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(mail.parts.first?.body == "Just text.")
        #expect(mail.part("text/html") == nil)
    }

    @Test func aRefusedConnectionIsATransientError() async throws {
        let port = try RedisTestServer.freePort()  // nothing listens there
        var configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:\(port)")
        configuration.connectTimeout = .seconds(2)
        let message = MailMessage(from: Self.shop, to: [MailAddress("a@example.org")], subject: "s", textBody: "t")
        let error = await #expect(throws: MailError.self) {
            try await withMailer(configuration) { try await $0.send(message) }
        }
        #expect(error?.isTransient == true)
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isServerUnreachable == true)
        #expect(error?.responseCode == nil)
        #expect(error?.message.isEmpty == false)
    }

    @Test func anInvalidMessageIsAPermanentErrorBeforeAnythingIsSent() async throws {
        let (smtpURL, _) = try MailTestEnvironment.urls()
        let message = MailMessage(
            from: Self.shop, to: [MailAddress("victim@example.org\r\nRCPT TO:<other@example.org>")],
            subject: "s", textBody: "t"
        )
        let error = await #expect(throws: MailError.self) {
            try await withMailer(SMTPConfiguration(url: smtpURL)) { try await $0.send(message) }
        }
        #expect(error?.isTransient == false)
        #expect(error?.kind == .invalid)
    }
}

extension ReceivedMail.Part: Equatable {
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.headers == rhs.headers && lhs.body == rhs.body }
}
