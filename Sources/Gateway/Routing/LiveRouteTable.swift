import Synchronization

/// The route table in force. Each request takes the current table once, at its start; a
/// reload swaps in a new one without disturbing requests already on their way.
final class LiveRouteTable: Sendable {
    private let current: Mutex<RouteTable>
    let metrics: GatewayMetrics

    init(_ configuration: GatewayConfiguration, metrics: GatewayMetrics) {
        self.metrics = metrics
        self.current = Mutex(RouteTable(configuration, metrics: metrics))
    }

    /// The table for requests starting now.
    var table: RouteTable {
        current.withLock { $0 }
    }

    /// Puts `configuration` in force, keeping the upstream groups that did not change.
    func apply(_ configuration: GatewayConfiguration) {
        current.withLock { table in
            table = RouteTable(configuration, metrics: metrics, reusing: table)
        }
    }
}
