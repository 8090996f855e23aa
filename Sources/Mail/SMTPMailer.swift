import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends mail over SMTP on SwiftNIO: one connection per message, `STARTTLS` or implicit TLS
/// (`smtps://`) with NIOSSL when the configuration asks for it, `AUTH PLAIN` or `LOGIN`.
///
/// The message is validated and rendered first (``PreparedMail``: headers RFC 2047-encoded,
/// bodies quoted-printable); failures are ``MailError``s that say whether to retry.
public struct SMTPMailer: Sendable {
    /// The server and credentials this mailer uses.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    /// Built once, only when the configuration asks for TLS (loading trust roots costs memory).
    private let tlsContext: NIOSSLContext?
    private let logger: Logger

    /// Creates a mailer whose connections run on `eventLoopGroup`. Nothing connects until ``send(_:)``.
    /// - Throws: ``MailError`` (``MailError/Kind/tlsFailed``) when TLS is required and the
    ///   certificate authorities cannot be loaded.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) throws {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        guard configuration.requireTLS else {
            tlsContext = nil
            if configuration.username != nil {
                logger.warning("SMTP credentials will cross the network unencrypted: use smtps:// or ?starttls=required", metadata: [
                    "smtp.server": "\(configuration.url)",
                ])
            }
            return
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.certificateAuthorityFile {
            tls.trustRoots = .file(file)
        }
        do {
            tlsContext = try NIOSSLContext(configuration: tls)
        } catch {
            throw MailError(.tlsFailed, message: "cannot set up TLS for \(configuration.url): \(error)")
        }
    }

    /// Sends one message and returns its `Message-ID` header value (`<id@domain>`).
    /// - Throws: ``MailError``: permanent for an invalid message, a 5xx reply or a TLS
    ///   failure; transient for connection failures, timeouts and 4xx replies.
    ///   `CancellationError` if the task is cancelled (the connection is closed at once).
    @discardableResult
    public func send(_ message: MailMessage) async throws -> String {
        let mail = try PreparedMail(message, date: MailDate.now())
        let started = ContinuousClock.now
        do {
            try await deliver(mail)
        } catch let error as MailError {
            logger.warning("mail not sent", metadata: [
                "mail.message_id": "\(mail.messageID)", "smtp.server": "\(configuration.url)",
                "error": "\(error)",
            ])
            throw error
        }
        let elapsed = (ContinuousClock.now - started).components
        let milliseconds = elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
        logger.info("mail sent", metadata: [
            "mail.message_id": "\(mail.messageID)", "mail.recipients": "\(mail.envelopeRecipients.count)",
            "smtp.server": "\(configuration.url)", "duration_ms": "\(milliseconds)",
        ])
        return mail.messageID
    }

    /// Connects, runs the conversation under the send's deadline, and closes.
    private func deliver(_ mail: PreparedMail) async throws {
        let deadline = NIODeadline.now() + TimeAmount(configuration.timeout)
        let channel = try await connect(deadline: deadline)
        // Closing the channel ends whatever the conversation waits for, with an error.
        let closeAtDeadline = channel.channel.eventLoop.scheduleTask(deadline: deadline) {
            channel.channel.close(promise: nil)
        }
        defer { closeAtDeadline.cancel() }
        let (configuration, tlsContext) = (self.configuration, self.tlsContext)
        try await withTaskCancellationHandler {
            try await channel.executeThenClose { inbound, outbound in
                var conversation = SMTPConversation(channel: channel.channel, inbound: inbound, outbound: outbound)
                do {
                    try await conversation.deliver(mail, configuration: configuration, tlsContext: tlsContext)
                } catch {
                    throw Self.classify(error, deadline: deadline, configuration: configuration,
                                        beforeGreeting: !conversation.hasHeardFromServer)
                }
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    /// A TCP connection (with TLS first for `smtps://`) whose pipeline turns bytes into ``SMTPReply``s.
    private func connect(deadline: NIODeadline) async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let (tlsContext, implicitTLS) = (self.tlsContext, configuration.implicitTLS)
        let serverName = Self.serverNameIndication(configuration.host)
        let connectTimeout = min(TimeAmount(configuration.connectTimeout), deadline - .now())
        do {
            return try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if implicitTLS, let tlsContext {
                            let tls = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                            try channel.pipeline.syncOperations.addHandler(tls)
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            try Task.checkCancellation()
            throw MailError(.connectionFailed, message: "cannot connect to \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// The host name for TLS's server name indication and certificate check; `nil` for an IP
    /// address, which NIOSSL then checks against the certificate's IP addresses.
    static func serverNameIndication(_ host: String) -> String? {
        let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
            && host.allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
        return isIPv4 || host.contains(":") ? nil : host
    }

    /// What a failure in the middle of a conversation means for the caller.
    private static func classify(
        _ error: any Error, deadline: NIODeadline, configuration: SMTPConfiguration, beforeGreeting: Bool
    ) -> any Error {
        if Task.isCancelled { return CancellationError() }
        let server = "\(configuration.host):\(configuration.port)"
        if NIODeadline.now() >= deadline {
            let message = "no answer from \(server) within \(configuration.timeout)"
            return MailError(beforeGreeting ? .connectionFailed : .timedOut, message: message)
        }
        if let error = error as? MailError {
            guard beforeGreeting, error.kind == .connectionLost else { return error }
            return MailError(.connectionFailed, message: "\(server) closed the connection before greeting")
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            if case .uncleanShutdown? = error as? NIOSSLError {
                return MailError(beforeGreeting ? .connectionFailed : .connectionLost, message: "\(server) closed the TLS connection without a close_notify")
            }
            return MailError(.tlsFailed, message: "TLS with \(server) failed: \(error)")
        }
        return MailError(beforeGreeting ? .connectionFailed : .connectionLost, message: "the connection to \(server) failed: \(error)")
    }
}
