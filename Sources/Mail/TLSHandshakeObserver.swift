import NIOCore
import NIOTLS

/// Sits right above a `NIOSSLClientHandler` and completes a promise when its handshake ends:
/// succeeded on `handshakeCompleted`, failed with the handshake's error (an untrusted
/// certificate, no common protocol), or with `ioOnClosedChannel` if the connection closed or
/// the handler was removed first. Every event is passed on unchanged.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var promise: EventLoopPromise<Void>?

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent {
            complete(with: .success(()))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(with: .failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(with: .failure(ChannelError.ioOnClosedChannel))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        complete(with: .failure(ChannelError.ioOnClosedChannel))
    }

    private func complete(with result: Result<Void, any Error>) {
        promise?.completeWith(result)
        promise = nil
    }
}
