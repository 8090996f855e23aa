import NIOCore
import NIOPosix

/// A TCP server on 127.0.0.1 that answers every HTTP request with the same bytes, as written,
/// then closes the connection if told to: an upstream that sends what a real server will not
/// (a body only its close ends, a head that could be read two ways). Well-formed answers
/// come from real Hummingbird upstreams in the other gateway tests.
final class ScriptedHTTPUpstream: Sendable {
    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Starts listening on a free port; each request (its head's end read) gets `answer`.
    static func start(answer: String, closeAfter: Bool) async throws -> ScriptedHTTPUpstream {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedHTTPHandler(answer: answer, closeAfter: closeAfter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedHTTPUpstream(port: channel.localAddress?.port ?? 0, channel: channel)
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }
}

/// One connection of a ``ScriptedHTTPUpstream``: answers each request head (bodiless requests
/// only) with the script's bytes.
private final class ScriptedHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let answer: String
    private let closeAfter: Bool
    private var pending = ""

    init(answer: String, closeAfter: Bool) {
        self.answer = answer
        self.closeAfter = closeAfter
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending += String(buffer: unwrapInboundIn(data))
        while let end = pending.range(of: "\r\n\r\n") {
            pending.removeSubrange(..<end.upperBound)
            let written = context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)))
            if closeAfter {
                written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
                return
            }
        }
    }
}
