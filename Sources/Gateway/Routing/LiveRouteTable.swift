import Logging
import Synchronization

/// The route table in force. Each request takes the current table once, at its start; a
/// reload swaps in a new one without disturbing requests already on their way.
final class LiveRouteTable: Sendable {
    private let current: Mutex<RouteTable>
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

    /// Puts `configuration` in force, keeping the upstream groups that did not change.
    func apply(_ configuration: GatewayConfiguration) {
        current.withLock { table in
            table = RouteTable(configuration, metrics: metrics, upstreamPolicy: upstreamPolicy, upstreamReporter: upstreamReporter, reusing: table)
        }
    }
}
