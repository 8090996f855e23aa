import NIOCore
import NIOHTTP1

/// The outbound end of a client connection's pipeline, next to the socket. The event-loop
/// path's answers enter here as bytes: heads in one buffer (``HTTPHeadBytes``), bodies framed
/// as ``AnswerFraming`` decided. Hummingbird's answers arrive as HTTP/1 parts and are encoded
/// by NIO's `HTTPResponseEncoder`.
///
/// NIO's encoder serialises a head four buffer writes per field and decides the framing again
/// for every part; the proxy knows both already. (Only one answer is written at a time on a
/// connection, ``ProxyHandler`` sees to it, so the two never interleave.)
///
/// The encoder runs inside this handler, with its context, rather than as a handler of its
/// own: each outbound event (the read the channel asks for after every read, a flush) passes
/// every outbound handler on its way to the socket.
final class ProxyAnswerOutlet: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = IOData

    /// Parts of up to this many bytes are gathered; larger ones are written as they come.
    static let gatherLimit = 4096
    /// Room an answer's head leaves after itself for a small body and its end.
    static let headSpareCapacity = 1024

    private let encoder = HTTPResponseEncoder()
    private var context: ChannelHandlerContext?
    /// The answer's bytes not yet written: small parts are gathered and written at the next
    /// flush, as one buffer. Each write passes the pipeline and NIO's write queue, about 1.5k
    /// instructions, so a small answer (head, body, end) is one write instead of three; its
    /// body is copied once, which costs less.
    ///
    /// Not checked for exclusive access at run time (as ``UpstreamConnection``'s parser):
    /// every access is one call of `ByteBuffer`'s or `Optional`'s own methods, which call out
    /// to nothing.
    @exclusivity(unchecked) private var gathered: ByteBuffer?
    /// The connection's allocator (a default one once the handler is gone).
    private(set) var allocator = ByteBufferAllocator()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        gathered = nil
    }

    /// Hummingbird's answers, encoded by NIO (whose output type is this handler's).
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        writeGathered()
        encoder.write(context: context, data: data, promise: promise)
    }

    /// Writes `bytes` (an answer's head) without flushing them.
    func write(_ bytes: ByteBuffer) {
        gather(bytes)
    }

    /// Writes `bytes` and flushes everything written so far; `promise` completes once they are
    /// on the socket.
    func writeAndFlush(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        guard bytes.readableBytes <= Self.gatherLimit, var last = gathered.take() else {
            writeGathered()
            context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
            return
        }
        last.writeImmutableBuffer(bytes)
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(last)), promise: promise)
    }

    /// Writes a part of an answer's body, framed (without flushing it).
    func writeBody(_ body: ByteBuffer, framing: AnswerFraming) {
        switch framing {
        case .none:
            return
        case .raw:
            gather(body)
        case .chunked:
            guard body.readableBytes > 0 else { return }  // an empty chunk would end the body
            gather(allocator.buffer(string: String(body.readableBytes, radix: 16) + "\r\n"))
            gather(body)
            gather(AnswerFraming.chunkEnd)
        }
    }

    func flush() {
        writeGathered()
        context?.flush()
    }

    /// Keeps `bytes` to be written with what comes next, or writes them now if large: a part
    /// of up to ``gatherLimit`` bytes is copied after what was gathered (into the head's spare
    /// capacity, ``headSpareCapacity``, for a small answer).
    private func gather(_ bytes: ByteBuffer) {
        guard bytes.readableBytes <= Self.gatherLimit else {
            writeGathered()
            context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
            return
        }
        if gathered == nil {
            gathered = bytes
        } else {
            gathered!.writeImmutableBuffer(bytes)
        }
    }

    private func writeGathered() {
        guard let bytes = gathered.take() else { return }
        context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }
}
