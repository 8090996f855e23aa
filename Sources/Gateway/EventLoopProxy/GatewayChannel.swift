import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The gateway's HTTP/1.1 connections: NIO's HTTP/1 codec, then the event-loop proxy path
/// (``ProxyHandler``, which also keeps requests in order, the idle timeout and graceful
/// close for both paths, and converts what it passes on to the HTTPTypes of Hummingbird's
/// request handling).
struct GatewayChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let proxy: EdgeProxy
    /// How long a connection may sit without a request, or in a request without sending.
    let idleTimeout: Duration?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            // NIO's HTTP/1 codec as `configureHTTPServerPipeline` sets it up, without its
            // pipelining handler (ProxyHandler keeps requests in order itself), its error
            // handler (Hummingbird answers malformed requests) and its header validation
            // (Hummingbird's answers were validated by HTTPTypes); its response encoder runs
            // inside ProxyAnswerOutlet, where the proxy path's answers are written as bytes,
            // and ProxyHandler converts what Hummingbird takes and gives to and from HTTPTypes
            // (both: fewer handlers for every event to pass). The encoder is not told each
            // request's method, so ProxyHandler leaves out the body of an answer to a `HEAD`.
            let outlet = ProxyAnswerOutlet()
            try pipeline.addHandler(outlet)
            try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
            try pipeline.addHandler(ProxyHandler(proxy: proxy, outlet: outlet, idleTimeout: idleTimeout.map { TimeAmount($0) }))
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
