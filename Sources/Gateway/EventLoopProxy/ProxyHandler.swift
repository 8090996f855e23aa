import NIOCore
import NIOHTTP1

/// The event-loop proxy path on one client connection: takes the requests ``EdgeProxy``
/// accepts and answers them itself (``ProxyExchange``); passes the rest on to Hummingbird.
///
/// It sits right after NIO's HTTP/1 decoder and pipelining assistance, before the conversion
/// to HTTPTypes that Hummingbird needs, so a proxied request's headers are copied once, from
/// the client's head to the upstream's, and its answer's once back. The pipelining assistance
/// delivers one request at a time (it holds the next until the answer is written), so answers
/// keep the requests' order whoever makes them, and it closes the connection gracefully on
/// shutdown (`ChannelShouldQuiesceEvent`) after the answer in progress, on both paths.
///
/// As every request and answer of the connection passes here, the handler also keeps its
/// idle timeout (``IdleTimeout``), which Hummingbird's connection state handler would keep
/// for its own path only.
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        /// Hummingbird answers the request; idle again once its answer ends. An HTTP/1.0
        /// request that keeps the connection gets an answer that says so.
        case passing(http10KeepAlive: Bool)
        case proxying(ProxyExchange, requestEnded: Bool)
        /// Answered before the request's end was read.
        case awaitingRequestEnd
    }

    private let proxy: EdgeProxy
    private var state = State.idle
    private var peer: String?
    /// The client's half-close, held while a proxied answer is being made.
    private var inputClosedHeld = false
    var idleTimeout: IdleTimeout
    /// The pending check of ``idleTimeout``.
    var idleCheck: Scheduled<Void>?

    init(proxy: EdgeProxy, idleTimeout: TimeAmount?) {
        self.proxy = proxy
        self.idleTimeout = IdleTimeout(limit: idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
        if context.channel.isActive {
            connectionStarted(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        idleTimeout.read(part)
        switch state {
        case .idle:
            guard case .head(let head) = part else {
                context.fireChannelRead(data)  // the rest of a body Hummingbird answered early
                return
            }
            guard let entry = proxy.entry(for: head) else {
                state = .passing(http10KeepAlive: head.version == .http1_0 && head.isKeepAlive)
                passToHummingbird(head, context: context)
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

    /// Writes the end of the exchange's answer, after which the next request may arrive at
    /// once; closes the connection after it unless it is kept alive. A half-close of the
    /// client's that came during the exchange is passed on now (see ``userInboundEventTriggered(context:event:)``).
    func finishExchange(context: ChannelHandlerContext, keepAlive: Bool) {
        guard case .proxying(_, let requestEnded) = state else { return }
        state = requestEnded ? .idle : .awaitingRequestEnd
        answerEnded(context: context)
        let end = NIOAny(HTTPServerResponsePart.end(nil))
        if keepAlive {
            context.writeAndFlush(end, promise: nil)
        } else {
            context.writeAndFlush(end).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        }
        if inputClosedHeld {
            inputClosedHeld = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
    }

    /// The client half-closed its side (it sent its requests and waits for the answers). On
    /// Hummingbird's path that ends the connection once Hummingbird's answers are written, so
    /// during a proxied exchange the event waits for the exchange's answer to end.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .proxying = state, let event = event as? ChannelEvent, event == .inputClosed {
            inputClosedHeld = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Hands a request head to Hummingbird, which keeps a connection open unless the request
    /// says `Connection: close`: an HTTP/1.0 request that does not ask to keep it is told so.
    private func passToHummingbird(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.version == .http1_0, !head.isKeepAlive else {
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        }
        var closing = head
        closing.headers.replaceOrAdd(name: "Connection", value: "close")
        context.fireChannelRead(wrapInboundOut(.head(closing)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .passing(let http10KeepAlive) = state else {
            context.write(data, promise: promise)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(var head) where http10KeepAlive:
            head.headers.replaceOrAdd(name: "Connection", value: "keep-alive")  // HTTP/1.0 closes unless told
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            state = .idle
            answerEnded(context: context)
            context.write(data, promise: promise)
        case .head, .body:
            context.write(data, promise: promise)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .proxying(let exchange, _) = state {
            exchange.clientWritable()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
        if case .proxying(let exchange, _) = state {
            exchange.clientClosed()
        }
        context.fireChannelInactive()
    }
}
