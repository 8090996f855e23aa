import NIOCore
import NIOHTTP1

/// One request at a time on a connection, whichever path answers it, without pausing the
/// socket: what arrives while an answer is being made (a pipelined request, a parse error
/// in the bytes after the request, the client's half-close) is held in order and delivered
/// once that answer's end is written. Reading stops only while something is held, so a
/// client that pipelines is slowed to one request at a time and one that does not (nearly
/// all) never is.
extension ProxyHandler {
    func read(context: ChannelHandlerContext) {
        if held.isEmpty {
            context.read()
        } else {
            readDeferred = true
        }
    }

    /// A parse error while the request being answered has been read whole belongs to the
    /// next request: it waits its turn (Hummingbird answers it with a `400` and closes).
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? HTTPParserError, (answering && !idleTimeout.isReadingRequest) || !held.isEmpty {
            held.append(.parseError(parseError))
        } else {
            context.fireErrorCaught(error)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ChannelShouldQuiesceEvent:
            held.removeAll()  // requests not begun: their answers would never be written
            if answering {
                quiescing = true
            } else {
                context.close(promise: nil)
            }
        case let event as ChannelEvent where event == .inputClosed:
            requestsEnded(context: context)
            // Hummingbird ends the connection when its input ends: not before the answers
            // to what the client sent are written.
            if held.isEmpty, !isProxying {
                context.fireUserInboundEventTriggered(event)
            } else {
                held.append(.inputClosed)
            }
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private var isProxying: Bool {
        if case .proxying = state { return true }
        return false
    }

    /// An answer's end has been written: the idle clock restarts, and the connection closes
    /// or takes what was held. `written` completes once the end is on the socket; it is
    /// needed when the connection closes (`closing`, or the gateway is stopping).
    func answerEnded(written: EventLoopFuture<Void>?, closing: Bool, context: ChannelHandlerContext) {
        restartIdleClock(context: context)  // which also ends `answering`
        if closing || quiescing {
            held.removeAll()
            (written ?? context.eventLoop.makeSucceededVoidFuture()).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        deliverHeld(context: context)
    }

    /// Delivers held events until the next belongs after an answer now being made (a new
    /// request, or what came after one); reads again once none is left.
    private func deliverHeld(context: ChannelHandlerContext) {
        defer {
            // Hummingbird's channel hands reads to its handler task at the end of a read.
            completeReadForHummingbird(context: context)
        }
        while let event = held.first {
            switch event {
            case .part(.head) where answering, .parseError where answering, .inputClosed where isProxying:
                return
            case .part(let part):
                held.removeFirst()
                deliver(part, context: context)
            case .parseError(let error):
                held.removeFirst()
                context.fireErrorCaught(error)
            case .inputClosed:
                held.removeFirst()
                context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            }
        }
        if readDeferred {
            readDeferred = false
            context.read()
        }
    }
}
