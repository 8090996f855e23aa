/// The routes, searched longest prefix first.
struct RouteTable: Sendable {
    let routes: [Route]

    init(_ configuration: GatewayConfiguration) {
        routes = configuration.routes.sorted { $0.prefix.count > $1.prefix.count }
    }

    /// The route with the longest prefix that matches `path`, if any.
    func route(for path: String) -> Route? {
        routes.first { $0.matches(path) }
    }

    /// Every distinct upstream, for readiness checks.
    var upstreams: [Upstream] {
        var seen = Set<Upstream>()
        return routes.map(\.upstream).filter { seen.insert($0).inserted }
    }
}
