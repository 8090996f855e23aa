import Logging
import NIOPosix

/// Sends mail over SMTP with libcurl: one connection (curl easy handle) per message, run on the
/// `NIOThreadPool` passed in, never on an event loop or a cooperative thread.
///
/// The message is validated and rendered first (headers RFC 2047-encoded, bodies
/// quoted-printable by curl's MIME API); failures are ``MailError``s that say whether to retry.
public struct SMTPMailer: Sendable {
    /// The server and credentials this mailer uses.
    public let configuration: SMTPConfiguration
    private let threadPool: NIOThreadPool
    private let logger: Logger

    /// Creates a mailer whose blocking libcurl calls run on `threadPool`. Nothing connects
    /// until ``send(_:)``.
    public init(configuration: SMTPConfiguration, threadPool: NIOThreadPool = .singleton, logger: Logger) {
        self.configuration = configuration
        self.threadPool = threadPool
        self.logger = logger
    }

    /// Sends one message and returns its `Message-ID` header value (`<id@domain>`).
    /// - Throws: ``MailError``: permanent for an invalid message or a 5xx reply, transient for
    ///   connection failures, timeouts and 4xx replies. `CancellationError` if the task was
    ///   cancelled before the send started.
    @discardableResult
    public func send(_ message: MailMessage) async throws -> String {
        let mail = try PreparedMail(message, date: MailDate.now())
        let configuration = self.configuration
        let started = ContinuousClock.now
        do {
            try await threadPool.runIfActive {
                try CurlSMTPTransfer.send(mail, configuration: configuration)
            }
        } catch let error as MailError {
            logger.warning("mail not sent", metadata: [
                "mail.message_id": "\(mail.messageID)", "smtp.server": "\(configuration.url)",
                "error": "\(error)",
            ])
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw MailError(curlCode: 0, responseCode: nil, message: "the NIOThreadPool is not running", isTransient: true)
        }
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
        logger.info("mail sent", metadata: [
            "mail.message_id": "\(mail.messageID)", "mail.recipients": "\(mail.envelopeRecipients.count)",
            "smtp.server": "\(configuration.url)", "duration_ms": "\(milliseconds)",
        ])
        return mail.messageID
    }
}
