import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The gateway's HTTP/1.1 connections: the event-loop proxy path (``ProxyHandler``, which reads
/// the requests, keeps them in order, the idle timeout and graceful close for both paths, and
/// converts what it passes on to the HTTPTypes of Hummingbird's request handling), and the
/// answers' outlet (``ProxyAnswerOutlet``).
struct GatewayChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let proxy: EdgeProxy
    /// How long a connection may sit without a request, or in a request without sending.
    let idleTimeout: Duration?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // Two handlers where `configureHTTPServerPipeline` sets up five: ProxyHandler reads
            // the requests itself (ClientRequestParser), keeps them in order (no pipelining
            // handler) and converts what Hummingbird takes and gives to and from HTTPTypes;
            // Hummingbird answers malformed requests (no error handler); NIO's response encoder
            // runs inside ProxyAnswerOutlet, where the proxy path's answers are written as
            // bytes, without header validation (Hummingbird's answers were validated by
            // HTTPTypes). The encoder is not told each request's method, so ProxyHandler
            // leaves out the body of an answer to a `HEAD`.
            let outlet = ProxyAnswerOutlet()
            try pipeline.addHandler(outlet)
            try pipeline.addHandler(
                ProxyHandler(proxy: proxy, outlet: outlet, idleTimeout: idleTimeout.map { TimeAmount($0) }, loop: channel.eventLoop)
            )
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// The gateway's server: HTTP/1.1 with the event-loop proxy path (see ``EdgeProxy``).
    static func gateway(proxy: EdgeProxy, idleTimeout: Duration?) -> HTTPServerBuilder {
        .init { responder in
            GatewayChannel(responder: responder, proxy: proxy, idleTimeout: idleTimeout)
        }
    }
}
