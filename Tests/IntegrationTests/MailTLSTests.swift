import Foundation
import Mail
import Testing

/// TLS and SMTP AUTH against a real SMTP server (the test stack's mail catcher, with a
/// certificate made for the test): STARTTLS, implicit TLS, a certificate the mailer must not
/// trust, and a wrong password.
@Suite("SMTPMailer over TLS with AUTH")
struct MailTLSTests {
    private static func message(_ id: String) -> MailMessage {
        MailMessage(from: MailAddress("shop@example.com"), to: [MailAddress("tls@example.org")],
                    subject: "Über TLS", textBody: "Sent through TLS.", messageID: id)
    }

    private static func configuration(_ url: String, trusting catcher: TLSMailCatcher?) throws -> SMTPConfiguration {
        var configuration = try SMTPConfiguration(url: url)
        configuration.certificateAuthorityFile = catcher?.certificateFile
        configuration.timeout = .seconds(40)
        return configuration
    }

    @Test func startTLSThenAuthPlainDelivers() async throws {
        let catcher = try await TLSMailCatcher()
        let id = "starttls-\(UUID().uuidString)@shop.test"
        let url = "smtp://\(catcher.username):s3cret%20pass@localhost:\(catcher.smtpPort)?starttls=required"
        try await withMailer(Self.configuration(url, trusting: catcher)) { try await $0.send(Self.message(id)) }
        let item = try await MailHogMessages.waitForMessage(id: "<\(id)>", at: catcher.apiURL)
        #expect(item.raw.to == ["tls@example.org"])
        #expect(try ReceivedMail(raw: item.raw.data).parts.first?.body == "Sent through TLS.")
    }

    @Test func implicitTLSDeliversAndChecksTheCertificateAgainstTheIPAddress() async throws {
        let catcher = try await TLSMailCatcher()
        let id = "smtps-\(UUID().uuidString)@shop.test"
        let url = "smtps://\(catcher.username):s3cret%20pass@127.0.0.1:\(catcher.smtpsPort)"
        try await withMailer(Self.configuration(url, trusting: catcher)) { try await $0.send(Self.message(id)) }
        _ = try await MailHogMessages.waitForMessage(id: "<\(id)>", at: catcher.apiURL)
    }

    @Test(arguments: ["smtp://localhost:%d?starttls=required", "smtps://localhost:%d"])
    func anUntrustedCertificateIsAPermanentTLSFailure(_ pattern: String) async throws {
        let catcher = try await TLSMailCatcher()
        let port = pattern.hasPrefix("smtps") ? catcher.smtpsPort : catcher.smtpPort
        // The system's certificate authorities do not know the test certificate.
        let configuration = try Self.configuration(String(format: pattern, port), trusting: nil)
        let error = await #expect(throws: MailError.self) {
            try await withMailer(configuration) { try await $0.send(Self.message("untrusted@shop.test")) }
        }
        #expect(error?.kind == .tlsFailed)
        #expect(error?.isTransient == false)
    }

    @Test func aWrongPasswordIsRefusedPermanently() async throws {
        let catcher = try await TLSMailCatcher()
        let url = "smtp://\(catcher.username):wrong@localhost:\(catcher.smtpPort)?starttls=required"
        let error = await #expect(throws: MailError.self) {
            try await withMailer(Self.configuration(url, trusting: catcher)) { try await $0.send(Self.message("denied@shop.test")) }
        }
        #expect(error?.kind == .rejected)
        #expect(error?.responseCode == 535)
        #expect(error?.isTransient == false)
        #expect(error?.message.contains("AUTH PLAIN") == true)
        #expect(error?.message.contains("wrong") == false)
    }
}
