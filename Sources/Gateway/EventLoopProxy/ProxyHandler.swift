import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The event-loop proxy path on one client connection: takes the requests ``EdgeProxy``
/// accepts and answers them itself (``ProxyExchange``); passes the rest on to Hummingbird.
///
/// The connection's pipeline delivers one request at a time (NIO's pipelining assistance
/// holds the next until the answer is written), so answers keep the requests' order whoever
/// makes them. It sits after Hummingbird's connection state handler, which sees every request
/// and answer and so keeps the idle timeout and graceful shutdown right for both paths.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum State {
        case idle
        /// Hummingbird answers the request; idle again once its answer ends.
        case passing
        case proxying(ProxyExchange, requestEnded: Bool)
        /// Answered before the request's end was read.
        case awaitingRequestEnd
    }

    private let proxy: EdgeProxy
    private var state = State.idle
    private var peer: String?

    init(proxy: EdgeProxy) {
        self.proxy = proxy
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch state {
        case .idle:
            guard case .head(let head) = part else {
                context.fireChannelRead(data)  // the rest of a body Hummingbird answered early
                return
            }
            guard let entry = proxy.entry(for: head) else {
                state = .passing
                context.fireChannelRead(data)
                return
            }
            let exchange = ProxyExchange(head: head, entry: entry, proxy: proxy, client: context, handler: self, peer: peer)
            state = .proxying(exchange, requestEnded: false)
            exchange.start()
        case .passing:
            context.fireChannelRead(data)
        case .proxying(let exchange, _):
            if case .end = part {
                state = .proxying(exchange, requestEnded: true)
            }
        case .awaitingRequestEnd:
            if case .end = part {
                state = .idle
            }
        }
    }

    /// The exchange is about to write the end of its answer (after which the next request may arrive at once).
    func exchangeFinished() {
        guard case .proxying(_, let requestEnded) = state else { return }
        state = requestEnded ? .idle : .awaitingRequestEnd
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .passing = state, case .end = unwrapOutboundIn(data) {
            state = .idle
        }
        context.write(data, promise: promise)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .proxying(let exchange, _) = state {
            exchange.clientWritable()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .proxying(let exchange, _) = state {
            exchange.clientClosed()
        }
        context.fireChannelInactive()
    }
}
