import NIOSSL

extension SMTPConversation {
    /// One mail transaction on a fresh connection (RFC 5321 §3): the greeting, `EHLO`,
    /// `STARTTLS` and `EHLO` again when TLS is required, `AUTH` when there are credentials,
    /// `MAIL FROM`, `RCPT TO` per recipient, `DATA` and the message, then `QUIT`.
    ///
    /// The first refused recipient fails the send before any data is sent, so a mail is
    /// delivered to all of its recipients or to none.
    mutating func deliver(_ mail: PreparedMail, configuration: SMTPConfiguration, tlsContext: NIOSSLContext?) async throws {
        try await reply(to: "the connection (the server's greeting)", accepting: 220...220)
        var extensions = try await hello(configuration.heloName)
        if configuration.requireTLS && !configuration.implicitTLS {
            guard let tlsContext else {
                throw MailError(.tlsFailed, message: "TLS is required but the mailer has no TLS context")
            }
            guard extensions.offersStartTLS else {
                throw MailError(.tlsFailed, message: "TLS is required, but the server does not offer STARTTLS")
            }
            try await command("STARTTLS", accepting: 220...220)
            try await startTLS(context: tlsContext, serverHostname: SMTPMailer.serverNameIndication(configuration.host))
            extensions = try await hello(configuration.heloName)
        }
        if let username = configuration.username {
            try await authenticate(username: username, password: configuration.password ?? "", offered: extensions.authMechanisms)
        }

        var mailFrom = "MAIL FROM:<\(mail.envelopeSender)>"
        if extensions.maximumSize != nil { mailFrom += " SIZE=\(mail.content.count)" }
        try await command(mailFrom, accepting: 250...250)
        for recipient in mail.envelopeRecipients {
            try await command("RCPT TO:<\(recipient)>", accepting: 250...251)
        }
        try await command("DATA", accepting: 354...354)
        try await sendContent(mail.content)

        // The mail is accepted: a server that does not answer QUIT politely changes nothing.
        _ = try? await command("QUIT", accepting: 221...221)
    }

    /// `EHLO name` and the extensions it announces, or `HELO name` (no extensions) when the
    /// server does not know `EHLO`.
    mutating func hello(_ name: String) async throws -> SMTPExtensions {
        do {
            return SMTPExtensions(ehloReply: try await command("EHLO \(name)", accepting: 250...250))
        } catch let error as MailError where error.kind == .rejected && (500...504).contains(error.responseCode ?? 0) {
            try await command("HELO \(name)", accepting: 250...250)
            return SMTPExtensions()
        }
    }

    /// SMTP AUTH (RFC 4954) with `PLAIN` if offered, else `LOGIN`. The credentials never
    /// appear in an error: commands carrying them are named by their mechanism only.
    mutating func authenticate(username: String, password: String, offered mechanisms: Set<String>) async throws {
        let base64 = { (text: String) in MIMEHeaderEncoding.base64(Array(text.utf8)) }
        if mechanisms.contains("PLAIN") {
            try await command("AUTH PLAIN " + base64("\0\(username)\0\(password)"), step: "AUTH PLAIN", accepting: 235...235)
        } else if mechanisms.contains("LOGIN") {
            try await command("AUTH LOGIN", accepting: 334...334)
            try await command(base64(username), step: "AUTH LOGIN (user name)", accepting: 334...334)
            try await command(base64(password), step: "AUTH LOGIN (password)", accepting: 235...235)
        } else {
            let offered = mechanisms.isEmpty ? "none" : mechanisms.sorted().joined(separator: ", ")
            throw MailError(.invalid, message: "credentials are configured, but the server offers no AUTH mechanism this mailer speaks (PLAIN, LOGIN); it offers: \(offered)")
        }
    }
}
