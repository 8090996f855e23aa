import NIOCore
import NIOSSL

/// The client's side of one SMTP connection, used inside `NIOAsyncChannel.executeThenClose`:
/// a command out, its reply in, one at a time (no pipelining), and the switch to TLS after
/// `STARTTLS`. The steps of a mail transaction are in `SMTPConversation+Commands.swift`.
struct SMTPConversation {
    private let channel: any Channel
    private var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    /// Whether the server has sent anything: a failure before its greeting means the server
    /// could not be reached, one after it is a failure of this send.
    private(set) var hasHeardFromServer = false

    init(channel: any Channel, inbound: NIOAsyncChannelInboundStream<SMTPReply>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.channel = channel
        self.replies = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Waits for the next reply and checks its code. `step` names what it answers in errors.
    @discardableResult
    mutating func reply(to step: String, accepting accepted: ClosedRange<Int>) async throws -> SMTPReply {
        guard let reply = try await replies.next() else {
            throw MailError(.connectionLost, message: "the server closed the connection before answering \(step)")
        }
        hasHeardFromServer = true
        guard accepted.contains(reply.code) else {
            throw MailError(.rejected, responseCode: reply.code, message: "\(step) was answered \(reply.code) \(reply.text)")
        }
        return reply
    }

    /// Sends `line` and a CRLF, then waits for the reply and checks its code. `step` names the
    /// command in errors instead of `line` (which may hold credentials).
    @discardableResult
    mutating func command(_ line: String, step: String? = nil, accepting accepted: ClosedRange<Int>) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        return try await reply(to: step ?? line, accepting: accepted)
    }

    /// Sends the message after `DATA` was answered 354: dot-stuffed (a line starting with `.`
    /// gets another) and ended by a line holding only `.`; then waits for the server's 250.
    mutating func sendContent(_ content: [UInt8]) async throws {
        try await outbound.write(Self.dotStuffed(content))
        try await reply(to: "the end of the message data", accepting: 250...250)
    }

    /// Puts TLS below everything else in the pipeline, after the server's 220 to `STARTTLS`,
    /// and waits for the handshake, so that its failure is reported as such rather than as
    /// the connection closing under the next command.
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws {
        let channel = self.channel
        let handshake = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
                try channel.pipeline.syncOperations.addHandler(tls, position: .first)
                try channel.pipeline.syncOperations.addHandler(TLSHandshakeObserver(promise: handshake), position: .after(tls))
            }.get()
        } catch {
            handshake.fail(error)
            throw error
        }
        try await handshake.futureResult.get()
    }

    /// `content` (CRLF line breaks, ending in CRLF) as `DATA` payload: RFC 5321 §4.5.2's
    /// transparency, and the terminating `.` line.
    static func dotStuffed(_ content: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(content.count + content.count / 64 + 5)
        var lineStart = content.startIndex
        while lineStart < content.endIndex {
            let lineEnd = content[lineStart...].firstIndex(of: 0x0A).map { $0 + 1 } ?? content.endIndex
            if content[lineStart] == UInt8(ascii: ".") { buffer.writeInteger(UInt8(ascii: ".")) }
            buffer.writeBytes(content[lineStart..<lineEnd])
            lineStart = lineEnd
        }
        if let last = content.last, last != 0x0A { buffer.writeString("\r\n") }
        buffer.writeString(".\r\n")
        return buffer
    }
}
