import Testing
import Mail

@Suite("SMTP URL parsing")
struct MailSMTPConfigurationTests {
    @Test func parsesTheDevelopmentURL() throws {
        let configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:1025")
        #expect(configuration.url == "smtp://127.0.0.1:1025")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 1025)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(!configuration.requireTLS)
        #expect(configuration.connectTimeout == .seconds(10))
    }

    @Test func movesCredentialsOutOfTheURL() throws {
        let configuration = try SMTPConfiguration(url: "smtps://mailer%40shop:s3cr%2Ft@smtp.example.com")
        #expect(configuration.url == "smtps://smtp.example.com:465")
        #expect(configuration.username == "mailer@shop")
        #expect(configuration.password == "s3cr/t")
        #expect(configuration.requireTLS)
        #expect(!configuration.description.contains("s3cr"))
    }

    @Test func defaultsThePortAndKeepsTheHeloPath() throws {
        let configuration = try SMTPConfiguration(url: "smtp://mail.internal/shop.example.com")
        #expect(configuration.port == 25)
        #expect(configuration.url == "smtp://mail.internal:25/shop.example.com")
    }

    @Test func startTLSCanBeRequiredInTheURL() throws {
        #expect(try SMTPConfiguration(url: "smtp://mail:587?starttls=required").requireTLS)
        #expect(try SMTPConfiguration(url: "smtp://mail:587?starttls").requireTLS)
        #expect(try !SMTPConfiguration(url: "smtp://mail:587?starttls=false").requireTLS)
        #expect(try SMTPConfiguration(url: "smtp://[::1]:2525").url == "smtp://[::1]:2525")
    }

    @Test(arguments: [
        "127.0.0.1:1025", "http://127.0.0.1:1025", "smtp://", "smtp://:25", "smtp://host:0",
        "smtp://host:abc", "smtp://host?tls=1", "smtp://host?starttls=maybe", "smtp://u:%zz@host",
    ])
    func rejectsMalformedURLs(_ url: String) {
        #expect(throws: MailError.self) { try SMTPConfiguration(url: url) }
    }
}
