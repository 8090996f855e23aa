import Logging
import Synchronization

/// The route table in force. Each request takes the current table once, at its start; a
/// reload swaps in a new one without disturbing requests already on their way.
final class LiveRouteTable: Sendable {
    private let current: Mutex<RouteTable>
    /// How many tables have been put in force since the first: a connection that kept the
    /// table of its last request checks it (``table(cachedIn:)``) rather than the lock.
    private let generation = Atomic<Int>(0)
    let metrics: GatewayMetrics
    /// How upstream groups judge their addresses, and where they report (logs and `metrics`).
    let upstreamPolicy: UpstreamHealthPolicy
    let upstreamReporter: UpstreamGroupReporter

    init(_ configuration: GatewayConfiguration, metrics: GatewayMetrics, upstreamPolicy: UpstreamHealthPolicy = UpstreamHealthPolicy(), logger: Logger? = nil) {
        self.metrics = metrics
        self.upstreamPolicy = upstreamPolicy
        self.upstreamReporter = UpstreamGroupReporter(logger: logger ?? UpstreamGroupReporter.silent.logger, metrics: metrics)
        self.current = Mutex(RouteTable(configuration, metrics: metrics, upstreamPolicy: upstreamPolicy, upstreamReporter: upstreamReporter))
    }

    /// The table for requests starting now.
    var table: RouteTable {
        current.withLock { $0 }
    }

    /// A table kept for the next request, with the generation it was current in.
    typealias CachedTable = (generation: Int, table: RouteTable)

    /// The table for requests starting now, through `cache` (a connection's): the lock that
    /// every event loop shares is taken only after a reload, not for every request.
    func table(cachedIn cache: inout CachedTable?) -> RouteTable {
        let generation = generation.load(ordering: .acquiring)
        if let cache, cache.generation == generation {
            return cache.table
        }
        // Read after the generation: at least as new as it (a reload puts the table in force
        // first, then counts it), so a newer one is only ever read again, never missed.
        let table = table
        cache = (generation, table)
        return table
    }

    /// Puts `configuration` in force, keeping the upstream groups that did not change.
    func apply(_ configuration: GatewayConfiguration) {
        current.withLock { table in
            table = RouteTable(configuration, metrics: metrics, upstreamPolicy: upstreamPolicy, upstreamReporter: upstreamReporter, reusing: table)
        }
        generation.add(1, ordering: .releasing)
    }
}
