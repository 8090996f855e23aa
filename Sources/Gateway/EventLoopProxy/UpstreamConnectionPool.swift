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
/// Deadlines (an answer's timeout, an idle connection's end) are checked by each loop's sweep
/// (``LoopPool``), not by a timer per request.
final class UpstreamConnectionPool: Sendable {
    let connectTimeout: TimeAmount
    let idleTimeout: TimeAmount
    /// Idle connections kept per address and loop; more are closed.
    let maxIdlePerAddress: Int
    /// How often each loop checks its connections' deadlines: how late a timeout may fire.
    let sweepInterval: TimeAmount
    private let pools = Mutex<[ObjectIdentifier: NIOLoopBound<LoopPool>]>([:])

    init(connectTimeout: TimeAmount, idleTimeout: TimeAmount = .seconds(60), maxIdlePerAddress: Int = 64, sweepInterval: TimeAmount = .milliseconds(50)) {
        self.connectTimeout = connectTimeout
        self.idleTimeout = idleTimeout
        self.maxIdlePerAddress = maxIdlePerAddress
        self.sweepInterval = sweepInterval
    }

    /// The connections of `loop`, made on first use; called on `loop`. A client connection
    /// keeps its loop's (``ProxyHandler``), so a request neither looks it up nor takes the lock
    /// every loop shares; it takes an idle connection there (``LoopPool/take(_:)``) before
    /// asking for a new one.
    func loopPool(on loop: any EventLoop) -> LoopPool {
        let key = ObjectIdentifier(loop)
        let bound = pools.withLock { pools in
            if let bound = pools[key] { return bound }
            let bound = NIOLoopBound(LoopPool(loop: loop, idleTimeout: idleTimeout, sweepInterval: sweepInterval), eventLoop: loop)
            pools[key] = bound
            return bound
        }
        return bound.value
    }

    /// A new connection to `address` in `pool`; `done` is called on the pool's loop.
    func connect(to address: UpstreamEndpoint, in pool: LoopPool, _ done: @escaping (Result<UpstreamConnection, any Error>) -> Void) {
        connect(to: address, on: pool.loop).assumeIsolated().whenComplete { result in
            done(
                result.flatMap { channel in
                    Result {
                        let connection = try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
                        if connection.isOpen { pool.register(connection) }
                        return connection
                    }
                }
            )
        }
    }

    /// Keeps `connection` in its loop's pool for the next request to its address (or closes it
    /// if enough are kept, or it is not in a pool).
    func release(_ connection: UpstreamConnection) {
        guard connection.isOpen, let pool = connection.loopPool, pool.count(of: connection.address) < maxIdlePerAddress else {
            connection.close()
            return
        }
        pool.put(connection)
        connection.resumeReading()  // if its last answer paused it: to hear the upstream close it
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
                    // The connection reads its answers and writes its requests as bytes itself.
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(address: address))
                }
            }
    }
}
