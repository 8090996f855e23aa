import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Kept-alive connections to upstream addresses, one pool per event loop, as nginx keeps one
/// per worker: a request is relayed on a connection of its client's loop, so the whole
/// exchange runs on one thread.
///
/// A connection returns to its pool after a complete answer that allows keep-alive; an idle
/// one is closed after `idleTimeout`, when the upstream closes it, or when it says anything.
final class UpstreamConnectionPool: Sendable {
    let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    /// Idle connections kept per address and loop; more are closed.
    let maxIdlePerAddress: Int
    private let pools = Mutex<[ObjectIdentifier: NIOLoopBound<LoopPool>]>([:])

    init(connectTimeout: TimeAmount, idleTimeout: TimeAmount = .seconds(60), maxIdlePerAddress: Int = 64) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maxIdlePerAddress = maxIdlePerAddress
    }

    /// An idle connection to `address` on `loop`, or a new one; `done` is called on `loop`.
    func connection(to address: UpstreamEndpoint, on loop: any EventLoop, _ done: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        if let idle = pool(on: loop).take(address) {
            done(.success(idle))
            return
        }
        connect(to: address, on: loop).assumeIsolated().whenComplete { result in
            done(
                result.flatMap { channel in
                    Result { try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self) }
                }
            )
        }
    }

    /// Keeps `connection` for the next request to its address (or closes it if enough are kept).
    func release(_ connection: UpstreamConnection, on loop: any EventLoop) {
        let pool = pool(on: loop)
        guard connection.isOpen, pool.count(of: connection.address) < maxIdlePerAddress else {
            connection.close()
            return
        }
        pool.put(connection)
        connection.idleTimer = loop.assumeIsolated().scheduleTask(in: idleTimeout) { [weak connection] in
            connection?.close()
        }
        connection.resumeReading()  // if its last answer paused it: to hear the upstream close it
    }

    private func pool(on loop: any EventLoop) -> LoopPool {
        let key = ObjectIdentifier(loop)
        let bound = pools.withLock { pools in
            if let bound = pools[key] { return bound }
            let bound = NIOLoopBound(LoopPool(), eventLoop: loop)
            pools[key] = bound
            return bound
        }
        return bound.value
    }

    private func connect(to address: UpstreamEndpoint, on loop: any EventLoop) -> EventLoopFuture<any Channel> {
        let host = address.ip ?? address.upstream.host
        let port = address.upstream.port
        if address.ip != nil || address.upstream.hasIPLiteralHost {
            return bootstrap(to: address, on: loop).connect(host: host, port: port)
        }
        // A name not resolved yet (UpstreamResolution has not run, or failed): getaddrinfo
        // blocks, so it runs off the event loop.
        return NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
            try SocketAddress.makeAddressResolvingHost(host, port: port)
        }.flatMap { [self] resolved in
            bootstrap(to: address, on: loop).connect(to: resolved)
        }
    }

    private func bootstrap(to address: UpstreamEndpoint, on loop: any EventLoop) -> ClientBootstrap {
        ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Every header sent was validated already: the client's by HTTPTypes when
                    // they were parsed, the gateway's own by construction.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(address: address))
                }
            }
    }

    /// The idle connections of one event loop, by address; touched only on that loop.
    final class LoopPool {
        private var idle: [UpstreamEndpoint: [UpstreamConnection]] = [:]

        func take(_ address: UpstreamEndpoint) -> UpstreamConnection? {
            while let connection = idle[address]?.popLast() {
                connection.idlePool = nil
                connection.idleTimer?.cancel()
                connection.idleTimer = nil
                if connection.isOpen { return connection }
            }
            return nil
        }

        func put(_ connection: UpstreamConnection) {
            connection.idlePool = self
            idle[connection.address, default: []].append(connection)
        }

        func remove(_ connection: UpstreamConnection) {
            idle[connection.address]?.removeAll { $0 === connection }
            connection.idlePool = nil
        }

        func count(of address: UpstreamEndpoint) -> Int {
            idle[address]?.count ?? 0
        }
    }
}
