import Foundation

/// One entry of the route map: requests whose path starts with `prefix` (on a segment
/// boundary) go to `upstream`, path and query unchanged.
struct Route: Sendable, Equatable {
    /// `/auth`: always starts with `/`, never ends with one (except the root route `/`).
    var prefix: String
    var upstream: Upstream

    init(prefix: String, upstream: String) throws(GatewayConfigurationError) {
        guard prefix.hasPrefix("/") else {
            throw GatewayConfigurationError(route: prefix, reason: "a prefix must start with '/'")
        }
        guard !prefix.contains("?"), !prefix.contains("#"), !prefix.contains("//") else {
            throw GatewayConfigurationError(route: prefix, reason: "a prefix is a plain path, without '?', '#' or '//'")
        }
        self.prefix = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.upstream = try Upstream(upstream, route: prefix)
    }

    /// Whether `path` falls under this route: `/auth` takes `/auth` and `/auth/login`,
    /// never `/authors`.
    func matches(_ path: String) -> Bool {
        if prefix == "/" { return true }
        guard path.hasPrefix(prefix) else { return false }
        let rest = path.dropFirst(prefix.count)
        return rest.isEmpty || rest.hasPrefix("/")
    }
}

/// Where a route's requests go: an `http` or `https` origin and an optional base path.
struct Upstream: Sendable, Equatable, Hashable, CustomStringConvertible {
    var scheme: String
    var host: String
    var port: Int
    /// Prepended to the request path; empty or `/something` without a trailing slash.
    var basePath: String

    init(_ text: String, route: String) throws(GatewayConfigurationError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else {
            throw GatewayConfigurationError(route: route, reason: "\"\(text)\" is not an http(s) URL like http://127.0.0.1:4001")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil else {
            throw GatewayConfigurationError(route: route, reason: "the upstream URL \"\(text)\" must not have a query, fragment or credentials")
        }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
        self.basePath = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
    }

    /// The upstream URL for a request's path and query.
    func url(path: String, query: String?) -> String {
        var url = "\(scheme)://\(host):\(port)\(basePath)\(path)"
        if let query, !query.isEmpty {
            url += "?\(query)"
        }
        return url
    }

    var description: String { "\(scheme)://\(host):\(port)\(basePath)" }
}
