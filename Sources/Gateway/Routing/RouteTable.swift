import NIOCore

/// One consistent view of the routes, searched longest prefix first, each with its upstream
/// group. A reload builds a new table; requests in flight keep the one they started with.
/// A class of constants: a request takes a reference to the table, not a copy of its parts.
final class RouteTable: Sendable {
    /// A route and the group its requests go to. A class: each request holds a reference to
    /// its entry, not a copy of the route's strings and the metrics' series to retain.
    final class Entry: Sendable {
        let route: Route
        let group: UpstreamGroup
        let metrics: GatewayMetrics.RouteSeries
        /// The route's `timeout` as NIO counts time (converting a `Duration` takes 128-bit
        /// arithmetic, and the event-loop path renews its deadline twice per request).
        let timeout: TimeAmount
        /// Whether every upstream speaks plain `http` (the event-loop path's; `https` is
        /// Hummingbird's), known once rather than per request.
        let upstreamsArePlainHTTP: Bool

        init(route: Route, group: UpstreamGroup, metrics: GatewayMetrics.RouteSeries) {
            self.route = route
            self.group = group
            self.metrics = metrics
            self.timeout = TimeAmount(route.timeout)
            self.upstreamsArePlainHTTP = route.upstreams.allSatisfy { $0.scheme == "http" }
        }

        /// The path a request for `path` asks `address` for: the upstream's base path, then
        /// the route's path for it (``Route/upstreamPath(for:)``). Read in place here: through
        /// copies of the route and the upstream, their strings were retained per request.
        func upstreamPath(for path: String, on address: UpstreamEndpoint) -> String {
            let routePath = route.upstreamPath(for: path)
            let basePath = address.basePath
            return basePath.isEmpty ? routePath : basePath + routePath
        }
    }

    let entries: [Entry]
    let configuration: GatewayConfiguration

    /// The table for `configuration`, keeping the groups of `previous` whose upstreams and
    /// strategy did not change (with what they learnt about their addresses); new groups
    /// judge their addresses by `upstreamPolicy`.
    init(
        _ configuration: GatewayConfiguration, metrics: GatewayMetrics, upstreamPolicy: UpstreamHealthPolicy = UpstreamHealthPolicy(),
        upstreamReporter: UpstreamGroupReporter = .silent, reusing previous: RouteTable? = nil
    ) {
        var groups: [UpstreamGroup.Key: UpstreamGroup] = [:]
        for entry in previous?.entries ?? [] {
            groups[entry.group.key] = entry.group
        }
        self.configuration = configuration
        self.entries = configuration.routes
            .sorted { $0.prefix.count > $1.prefix.count }
            .map { route in
                let key = UpstreamGroup.Key(upstreams: route.upstreams, balance: route.balance)
                let group = groups[key] ?? UpstreamGroup(key: key, policy: upstreamPolicy, reporter: upstreamReporter)
                groups[key] = group
                return Entry(route: route, group: group, metrics: metrics.series(route: route.prefix))
            }
    }

    /// The entry with the longest prefix that matches `path`, if any.
    func entry(for path: String) -> Entry? {
        entries.first { $0.route.matches(path) }
    }

    /// The route with the longest prefix that matches `path`, if any.
    func route(for path: String) -> Route? {
        entry(for: path)?.route
    }

    /// Every distinct upstream group, for readiness checks and metrics.
    var groups: [UpstreamGroup] {
        var seen = Set<ObjectIdentifier>()
        return entries.map(\.group).filter { seen.insert(ObjectIdentifier($0)).inserted }
    }
}
