import Contracts
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The event-loop proxy path on one client connection: takes the requests ``EdgeProxy``
/// accepts and answers them itself (``ProxyExchange``); passes the rest on to Hummingbird.
///
/// It reads the connection's bytes itself (``ClientRequestParser``), so a proxied request's
/// headers are copied once, from the client's head to the upstream's, and its answer's once
/// back; what it passes on it converts to the HTTPTypes Hummingbird takes
/// (``ProxyHandler+Hummingbird``). Every
/// request and answer of the connection passes here, so it also keeps the connection's order
/// and lifetime for both paths:
/// - one request at a time: a request that arrives while an answer is being made (HTTP
///   pipelining) is held, with what follows it, until that answer ends (``ProxyHandler+Ordering``);
/// - the idle timeout (``IdleTimeout``);
/// - graceful close on shutdown (`ChannelShouldQuiesceEvent`): after the answer in progress,
///   which says `Connection: close`;
/// - a client's half-close, passed on only once the answers before it are written.
///
/// (NIO's `HTTPServerPipelineHandler` did the ordering before; it stops reading the socket
/// whenever an answer is pending, which cost two `epoll_ctl` calls per request.)
final class ProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        case idle
        /// Hummingbird answers the request; idle again once its answer ends. An HTTP/1.0
        /// request that keeps the connection gets an answer that says so; the answer to a
        /// `HEAD` (or `CONNECT`) has its body left out.
        case passing(http10KeepAlive: Bool, bodiless: Bool)
        case proxying(ProxyExchange, requestEnded: Bool)
        /// Answered before the request's end was read.
        case awaitingRequestEnd
    }

    /// What arrived while an answer was being made, in order (see ``ProxyHandler+Ordering``).
    enum HeldEvent {
        case part(HTTPServerRequestPart)
        case parseError(HTTPParserError)
        case inputClosed
    }

    let proxy: EdgeProxy
    /// The upstream connections of this connection's event loop.
    let upstreams: UpstreamConnectionPool.LoopPool
    /// Where the proxy path's answers are written, as bytes (see ``ProxyAnswerOutlet``).
    let outlet: ProxyAnswerOutlet
    var state = State.idle
    // The state below marked `@exclusivity(unchecked)` is not checked for exclusive access at
    // run time (a check costs ~70 instructions, and they were a tenth of a proxied request's):
    // each access is one call of the value's own methods, plain value code that calls out to
    // nothing (the parser, the idle timer, the id generator, the route table's cache), so no
    // access can begin while another is under way. The rest (`state`, reached again from the
    // exchange's callbacks) keeps its checks.

    /// Reads the connection's requests from its bytes.
    @exclusivity(unchecked) private var requests = ClientRequestParser()
    /// A request was malformed: nothing after it is read (Hummingbird answers it with a `400`
    /// and closes).
    private var requestsRefused = false
    private var peer: String?
    /// Random words for the requests' ids, taken from the system a batch at a time.
    @exclusivity(unchecked) private var random = PrefetchedRandom()
    /// The route table of the connection's last request, kept until a reload.
    @exclusivity(unchecked) private var routeTable: LiveRouteTable.CachedTable?
    /// From a request's head until its answer's end is written (kept by ``idleTimeout``).
    var answering: Bool { idleTimeout.isAnswering }
    var held = CircularBuffer<HeldEvent>()
    /// A read the channel asked for while events were held; made once they are delivered.
    var readDeferred = false
    /// A request part went on to Hummingbird since its side was last told a read completed.
    var forwardedSinceReadComplete = false
    /// Shutting down: the connection closes after the answer in progress.
    var quiescing = false
    @exclusivity(unchecked) var idleTimeout: IdleTimeout
    /// The pending check of ``idleTimeout``.
    var idleCheck: Scheduled<Void>?

    /// - Parameter loop: the connection's event loop (the handler is made on it).
    init(proxy: EdgeProxy, outlet: ProxyAnswerOutlet, idleTimeout: TimeAmount?, loop: any EventLoop) {
        self.proxy = proxy
        self.upstreams = proxy.connections.loopPool(on: loop)
        self.outlet = outlet
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
        guard !requestsRefused else { return }
        requests.append(unwrapInboundIn(data))
        do {
            while let event = try requests.next() {
                receive(HTTPServerRequestPart(event), context: context)
            }
        } catch {
            refuseRequests(error, context: context)
        }
    }

    /// Takes a request part read: now, or after the answer being made (pipelined).
    private func receive(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        if !held.isEmpty || (answering && part.isHead) {
            held.append(.part(part))  // pipelined: waits for the answer being made
        } else {
            deliver(part, context: context)
        }
    }

    /// A malformed request (or one cut short by the end of input): nothing after it is read,
    /// and it gets its `400` in turn, as a parse error of NIO's decoder did.
    func refuseRequests(_ error: HTTP1MessageInvalid, context: ChannelHandlerContext) {
        requestsRefused = true
        proxy.logger.debug("request refused", metadata: ["reason": "\(error.reason)", "peer": "\(peer ?? "-")"])
        errorCaught(context: context, error: error.tooLarge ? HTTPParserError.headerOverflow : HTTPParserError.invalidCharactersUsed)
    }

    /// The end of the connection's input (its end, or the connection's): a request cut short
    /// by it is refused, as NIO's decoder did.
    func requestsEnded(context: ChannelHandlerContext) {
        guard !requestsRefused else { return }
        do {
            _ = try requests.finish()
        } catch {
            refuseRequests(error, context: context)
        }
    }

    /// Takes a request part in turn: a new request goes to the proxy path or Hummingbird.
    func deliver(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        idleTimeout.read(part)
        switch state {
        case .idle:
            guard case .head(let head) = part else {
                forwardToHummingbird(part, context: context)  // the rest of a body Hummingbird answered early
                return
            }
            guard let (entry, path) = proxy.entry(for: head, in: proxy.routes.table(cachedIn: &routeTable)) else {
                state = .passing(http10KeepAlive: head.isHTTP10KeepAlive, bodiless: head.method == .HEAD || head.method == .CONNECT)
                passToHummingbird(head, context: context)
                return
            }
            let exchange = ProxyExchange(
                head: head, path: path, entry: entry, proxy: proxy, client: context, handler: self, peer: peer, random: &random
            )
            state = .proxying(exchange, requestEnded: false)
            exchange.start()
        case .passing:
            forwardToHummingbird(part, context: context)
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

    /// Writes the head of the answer to `request` on the proxy path (not flushed); `closing`:
    /// the connection closes after this answer.
    func writeExchangeHead(status: HTTPResponseStatus, headers: inout RelayedHeaderFields, answering request: HTTPRequestHead, closing: Bool) {
        addConnectionHeader(to: &headers, http10KeepAlive: request.isHTTP10KeepAlive, closing: closing)
        let startLine = ("HTTP/1.1", String(status.code), status.reasonPhrase)
        outlet.write(
            HTTPHeadBytes.encode(startLine: startLine, fields: headers, allocator: outlet.allocator, spareCapacity: ProxyAnswerOutlet.headSpareCapacity)
        )
    }

    /// What an answer's `Connection` header must say, on both paths: `close` when the
    /// connection closes after this answer (`closing`, or the gateway is stopping); else
    /// `keep-alive` to an HTTP/1.0 request that keeps the connection (HTTP/1.0 closes unless told).
    func addConnectionHeader(to headers: inout some EdgeHeaderFields, http10KeepAlive: Bool, closing: Bool) {
        if closing || quiescing {
            headers.set(.connection, to: "close")
        } else if http10KeepAlive {
            headers.set(.connection, to: "keep-alive")
        }
    }

    /// Writes `end` (what ends the exchange's answer in its framing) and flushes the answer,
    /// then calls `flushed` (work that need not delay the answer), after which the next
    /// request may be taken; closes the connection after it unless it is kept alive.
    func finishExchange(context: ChannelHandlerContext, end: ByteBuffer, keepAlive: Bool, whenFlushed flushed: () -> Void) {
        guard case .proxying(_, let requestEnded) = state else {
            flushed()
            return
        }
        state = requestEnded ? .idle : .awaitingRequestEnd
        // Only a connection that closes after the answer waits for it to be written.
        let written = !keepAlive || quiescing ? context.eventLoop.makePromise(of: Void.self) : nil
        outlet.writeAndFlush(end, promise: written)
        flushed()  // before a held request is taken: log lines stay in the order of the answers
        answerEnded(written: written?.futureResult, closing: !keepAlive, context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, case .proxying(let exchange, _) = state {
            exchange.clientWritable()
        }
        clientWritabilityChanged(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        requestsEnded(context: context)  // a reset ends the input too, without an end of input first
        idleCheck?.cancel()
        idleCheck = nil
        held.removeAll()
        if case .proxying(let exchange, _) = state {
            exchange.clientClosed()
        }
        context.fireChannelInactive()
    }
}

extension HTTPRequestHead {
    /// An HTTP/1.0 request that asks to keep the connection.
    var isHTTP10KeepAlive: Bool { version == .http1_0 && isKeepAlive }
}

extension HTTPServerRequestPart {
    var isHead: Bool {
        if case .head = self { return true }
        return false
    }

    /// A request part as NIO's decoder gave it (trailers are not kept).
    init(_ event: ClientRequestParser.Event) {
        switch event {
        case .head(let head): self = .head(head)
        case .body(let bytes): self = .body(bytes)
        case .end: self = .end(nil)
        }
    }
}
