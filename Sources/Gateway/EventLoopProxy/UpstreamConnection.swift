import NIOCore
import NIOHTTP1

/// One kept-alive HTTP/1.1 connection to an upstream address, on the event loop of the
/// client connections it serves: the last handler of its channel, which hands the response
/// parts to the ``ProxyExchange`` using it, or (idle in the pool) closes on anything unexpected.
///
/// The channel reads as data arrives, except while the exchange has paused it because its
/// client cannot take more (``pauseReading()``): a slow client slows the upstream instead of
/// filling memory. (Reading on demand instead, with `autoRead` off, cost two `epoll_ctl` calls
/// per request.)
final class UpstreamConnection: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let address: UpstreamEndpoint
    /// Reads the answers, told of each request ``send(method:target:host:headers:)`` writes.
    ///
    /// Not checked for exclusive access at run time (a check per call, five per answer, ~70
    /// instructions each): every access is a call of the parser's own methods, plain value
    /// code that calls out to nothing, so no access can begin while another is under way.
    @exclusivity(unchecked) private var parser = UpstreamResponseParser()
    /// The exchange the connection answers now; `nil` while idle.
    var exchange: ProxyExchange?
    /// The pool of its event loop, which sweeps its deadlines (set once connected).
    var loopPool: UpstreamConnectionPool.LoopPool?
    /// When the exchange gives up on this connection: the route's timeout after the request is
    /// sent, and again after each step of the answer (an upstream read, or the client taking
    /// more), as nginx's `proxy_read_timeout` and `send_timeout`; `nil` while idle.
    var stallDeadline: NIODeadline?
    /// Since when the connection has been idle in its pool; `nil` while in use.
    var idleSince: NIODeadline?
    private var context: ChannelHandlerContext?
    private(set) var isOpen = true
    /// Whether reading is paused (``pauseReading()``).
    private var isPaused = false

    init(address: UpstreamEndpoint) {
        self.address = address
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Sends a request without a body; the answer comes to the exchange. A write that fails
    /// closes the channel, and ``channelInactive(context:)`` fails the exchange: no promise
    /// per request is needed to hear of it.
    /// `host` is written first, before `headers`.
    func send(method: HTTPMethod, target: String, host: String, headers: HeaderFieldList) {
        guard let context, isOpen else {
            failExchange(UpstreamConnectionClosed())
            return
        }
        parser.expectAnswer(toHEAD: method == .HEAD)
        let bytes = Self.requestBytes(method: method, target: target, host: host, headers: headers, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    /// The request as HTTP/1.1 bytes, request line, fields and blank line, in one buffer filled
    /// in one pass (``HTTPHeadBytes``). NIO's request encoder is not used: it cost 7 % of a
    /// proxied request's instructions, for work this path does not need, as nginx does not: no
    /// body framing to decide (this path sends no bodies), no header validation (the client's
    /// fields passed ``ClientRequestParser``, the gateway's own are built valid).
    static func requestBytes(method: HTTPMethod, target: String, host: String, headers: HeaderFieldList, allocator: ByteBufferAllocator) -> ByteBuffer {
        HTTPHeadBytes.encode(startLine: (method.rawValue, target, "HTTP/1.1"), leadingField: ("Host", host), fields: headers.fields, allocator: allocator)
    }

    /// Stops reading until ``resumeReading()`` (what has been read still arrives).
    func pauseReading() {
        guard !isPaused else { return }
        isPaused = true
        setAutoRead(false)
    }

    /// Reads again as data arrives.
    func resumeReading() {
        guard isPaused else { return }
        isPaused = false
        setAutoRead(true)
    }

    private func setAutoRead(_ on: Bool) {
        guard let channel = context?.channel else { return }
        try? channel.syncOptions?.setOption(.autoRead, value: on)
    }

    func close() {
        isOpen = false
        context?.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        do {
            while let event = try parser.next() {
                deliver(event)
            }
        } catch {
            failExchange(error)
            close()
        }
    }

    /// Hands an answer's part to the exchange; with none (an answer no longer wanted), the
    /// connection closes.
    private func deliver(_ event: UpstreamResponseParser.Event) {
        guard let exchange else {
            close()
            return
        }
        switch event {
        case .head(let head): exchange.upstreamHead(head)
        case .body(let chunk): exchange.upstreamBody(chunk)
        case .end: exchange.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isOpen = false
        loopPool?.remove(self)
        if let end = try? parser.finish() {  // a body the close ends (one cut short fails the exchange below)
            deliver(end)
        }
        failExchange(UpstreamConnectionClosed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failExchange(error)
        close()
    }

    /// The pool's sweep found the exchange past its ``stallDeadline``: it gives up.
    func stalled() {
        stallDeadline = nil
        exchange?.timedOut()
    }

    private func failExchange(_ error: any Error) {
        guard let exchange else { return }
        self.exchange = nil
        exchange.upstreamFailed(error)
    }
}
