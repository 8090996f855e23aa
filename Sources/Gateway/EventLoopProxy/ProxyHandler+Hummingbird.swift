import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// What ``ProxyHandler`` passes to Hummingbird, and Hummingbird's answers on their way back:
/// converted between NIO's HTTP/1 parts and HTTPTypes, as `HTTP1ToHTTPServerCodec` does, here
/// rather than in a handler of its own. Every read the channel asks for, after each read of
/// the socket, passes every outbound handler between the pipeline's end and the socket, and
/// every read's end every inbound one: one handler fewer is a pass fewer per request for each.
extension ProxyHandler {
    /// Requests reach the gateway over plain HTTP (TLS ends before it).
    private static let secure = false

    /// Hands a request head to Hummingbird, which keeps a connection open unless the request
    /// says `Connection: close`: an HTTP/1.0 request that does not ask to keep it is told so.
    func passToHummingbird(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard head.version == .http1_0, !head.isKeepAlive else {
            forwardToHummingbird(.head(head), context: context)
            return
        }
        var closing = head
        closing.headers.replaceOrAdd(name: "Connection", value: "close")
        forwardToHummingbird(.head(closing), context: context)
    }

    /// Passes a request part on to Hummingbird, as HTTPTypes; a head HTTPTypes cannot hold is
    /// an error for Hummingbird's side (which closes the connection).
    func forwardToHummingbird(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        forwardedSinceReadComplete = true
        switch part {
        case .head(let head):
            do {
                let request = try HTTPRequest(head, secure: Self.secure, splitCookie: false)
                context.fireChannelRead(wrapInboundOut(.head(request)))
            } catch {
                context.fireErrorCaught(error)
            }
        case .body(let body):
            context.fireChannelRead(wrapInboundOut(.body(body)))
        case .end(let trailers):
            context.fireChannelRead(wrapInboundOut(.end(trailers.map { HTTPFields($0, splitCookie: false) })))
        }
    }

    /// Hummingbird's side hands what it was given to its handler task when a read completes:
    /// it is told only of reads that gave it something. Nearly every read, on a proxied
    /// connection, gave it nothing.
    func channelReadComplete(context: ChannelHandlerContext) {
        completeReadForHummingbird(context: context)
    }

    /// Tells Hummingbird's side a read completed, if anything was passed to it since it was
    /// last told.
    func completeReadForHummingbird(context: ChannelHandlerContext) {
        guard forwardedSinceReadComplete else { return }
        forwardedSinceReadComplete = false
        context.fireChannelReadComplete()
    }

    /// Hummingbird's answers, converted to HTTP/1 parts; the answer to a request it is
    /// answering (`.passing`) gets the connection's `Connection` header, loses its body if the
    /// request was a `HEAD`, and its end restarts the connection's order and idle clock.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        guard case .passing(let http10KeepAlive, let bodiless) = state else {
            context.write(wrapOutboundOut(Self.http1(part)), promise: promise)
            return
        }
        switch part {
        case .head(var response):
            addConnectionHeader(to: &response.headerFields, http10KeepAlive: http10KeepAlive, closing: false)
            context.write(wrapOutboundOut(.head(HTTPResponseHead(response))), promise: promise)
        case .end:
            state = .idle
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            if bodiless {
                // Nothing to end: NIO's encoder would end a chunked body the answer does not have.
                outlet.writeAndFlush(ByteBuffer(), promise: written)
            } else {
                context.write(wrapOutboundOut(Self.http1(part)), promise: written)
            }
            answerEnded(written: written.futureResult, closing: false, context: context)
        case .body:
            guard !bodiless else {
                promise?.succeed()  // an answer to a HEAD has no body
                return
            }
            context.write(wrapOutboundOut(Self.http1(part)), promise: promise)
        }
    }

    private static func http1(_ part: HTTPResponsePart) -> HTTPServerResponsePart {
        switch part {
        case .head(let response):
            .head(HTTPResponseHead(response))
        case .body(let body):
            .body(.byteBuffer(body))
        case .end(let trailers):
            .end(trailers.map(HTTPHeaders.init))
        }
    }
}
