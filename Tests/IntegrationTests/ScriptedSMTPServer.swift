import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that plays an SMTP server from a script, for what a real server
/// will not do on demand (go silent, send garbage, refuse a recipient, offer only AUTH LOGIN)
/// and to see the exact lines a client sends. Mail delivery itself is tested against the real
/// SMTP server of the test stack (MailSMTPTests, MailTLSTests).
final class ScriptedSMTPServer: Sendable {
    /// The server's side of the conversation.
    struct Script: Sendable {
        /// Sent on connect; `nil` sends nothing; ``closeConnection`` hangs up at once.
        var greeting: String? = "220 scripted.test ESMTP"
        /// The reply to a command line, without the final CRLF (lines of a multi-line reply
        /// joined by CRLF); `nil` answers nothing; ``closeConnection`` hangs up.
        var reply: @Sendable (String) -> String? = ScriptedSMTPServer.standardReply
    }

    /// A reply that makes the server close the connection instead of answering.
    static let closeConnection = "<close>"

    /// A well-behaved server offering SIZE and AUTH LOGIN only.
    @Sendable static func standardReply(to line: String) -> String? {
        let verb = line.prefix { $0 != " " && $0 != ":" }.uppercased()
        switch verb {
        case "EHLO": return "250-scripted.test greets you\r\n250-SIZE 1000000\r\n250 AUTH LOGIN"
        case "MAIL", "RCPT": return "250 2.1.0 Ok"
        case "DATA": return "354 End data with <CR><LF>.<CR><LF>"
        case "QUIT": return "221 Bye"
        case "AUTH": return "334 VXNlcm5hbWU6"
        default: return "500 unknown command"
        }
    }

    let port: Int
    private let channel: any Channel
    private let lines: NIOLockedValueBox<[String]>

    /// Every line the clients sent, message data included (dot-stuffed, as on the wire).
    var receivedLines: [String] { lines.withLockedValue { $0 } }

    private init(port: Int, channel: any Channel, lines: NIOLockedValueBox<[String]>) {
        self.port = port
        self.channel = channel
        self.lines = lines
    }

    /// Starts listening on a free port.
    static func start(_ script: Script = Script()) async throws -> ScriptedSMTPServer {
        let lines = NIOLockedValueBox<[String]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedSMTPHandler(script: script, lines: lines))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedSMTPServer(port: channel.localAddress?.port ?? 0, channel: channel, lines: lines)
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }
}

/// One connection of a ``ScriptedSMTPServer``: splits lines, records them, answers from the script.
private final class ScriptedSMTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: ScriptedSMTPServer.Script
    private let lines: NIOLockedValueBox<[String]>
    private var pending = ByteBuffer()
    private var inData = false

    init(script: ScriptedSMTPServer.Script, lines: NIOLockedValueBox<[String]>) {
        self.script = script
        self.lines = lines
    }

    func channelActive(context: ChannelHandlerContext) {
        switch script.greeting {
        case ScriptedSMTPServer.closeConnection?: context.close(promise: nil)
        case let greeting?: send(greeting, context: context)
        case nil: break
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        pending.writeBuffer(&bytes)
        while let end = pending.readableBytesView.firstRange(of: [0x0D, 0x0A]) {
            let length = end.lowerBound - pending.readableBytesView.startIndex
            let line = pending.readString(length: length) ?? ""
            pending.moveReaderIndex(forwardBy: 2)
            lines.withLockedValue { $0.append(line) }
            if inData {
                if line == "." {
                    inData = false
                    send("250 2.0.0 Ok: queued", context: context)
                }
                continue
            }
            guard let reply = script.reply(line) else { continue }
            if reply == ScriptedSMTPServer.closeConnection {
                context.close(promise: nil)
                return
            }
            if reply.hasPrefix("354") { inData = true }
            send(reply, context: context)
        }
    }

    private func send(_ text: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }
}
