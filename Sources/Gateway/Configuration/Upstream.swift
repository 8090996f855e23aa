import Foundation

/// One address requests can be sent to: an `http` or `https` origin and an optional base
/// path. A host name that resolves to several addresses (compose replicas) is expanded by
/// the upstream group, not here.
struct Upstream: Sendable, Equatable, Hashable, CustomStringConvertible {
    var scheme: String
    var host: String
    var port: Int
    /// Prepended to the request path; empty or `/something` without a trailing slash.
    var basePath: String

    init(scheme: String, host: String, port: Int, basePath: String) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

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

    /// The upstream URL for a request's (already rewritten) path and query.
    func url(path: String, query: String?) -> String {
        var url = "\(scheme)://\(host):\(port)\(basePath)\(path)"
        if let query, !query.isEmpty {
            url += "?\(query)"
        }
        return url
    }

    var description: String { "\(scheme)://\(host):\(port)\(basePath)" }
}
