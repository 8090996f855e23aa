import NIOCore

/// Where the event-loop path's answers enter a client connection's pipeline: next to the
/// socket, below NIO's HTTP response encoder, as bytes: heads in one buffer
/// (``HTTPHeadBytes``), bodies framed as ``AnswerFraming`` decided. Hummingbird's answers pass
/// through unchanged, encoded by NIO.
///
/// NIO's encoder serialises a head four buffer writes per field and decides the framing again
/// for every part; the proxy knows both already. (Only one answer is written at a time on a
/// connection, ``ProxyHandler`` sees to it, so the two never interleave.)
final class ProxyAnswerOutlet: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private var context: ChannelHandlerContext?
    /// The connection's allocator (a default one once the handler is gone).
    private(set) var allocator = ByteBufferAllocator()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Writes `bytes` without flushing them.
    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(.byteBuffer(bytes)), promise: nil)
    }

    /// Writes `bytes` and flushes everything written so far; `promise` completes once they are
    /// on the socket.
    func writeAndFlush(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.byteBuffer(bytes)), promise: promise)
    }

    /// Writes a part of an answer's body, framed (without flushing it).
    func writeBody(_ body: ByteBuffer, framing: AnswerFraming) {
        guard let context else { return }
        switch framing {
        case .none:
            return
        case .raw:
            context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
        case .chunked:
            guard body.readableBytes > 0 else { return }  // an empty chunk would end the body
            let size = allocator.buffer(string: String(body.readableBytes, radix: 16) + "\r\n")
            context.write(wrapOutboundOut(.byteBuffer(size)), promise: nil)
            context.write(wrapOutboundOut(.byteBuffer(body)), promise: nil)
            context.write(wrapOutboundOut(.byteBuffer(AnswerFraming.chunkEnd)), promise: nil)
        }
    }

    func flush() {
        context?.flush()
    }
}
