import Synchronization

/// One address of an upstream that connections go to: a configured ``Upstream`` and, once
/// its host name is resolved, one of the IP addresses it resolves to (a compose replica).
///
/// The request keeps the upstream's own authority in `Host`; only the connection goes to
/// the IP address.
///
/// A class of constants and one atomic counter (`Sendable` by construction): a proxied request
/// passes its endpoint around and keys pools and counters with it several times, and copying
/// a struct of five strings retained each of them, ~15 atomic reference counts per request.
final class UpstreamEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The upstream as `config.json` names it.
    let upstream: Upstream
    /// The IP address to connect to; `nil`: the host as written (the upstream client resolves it).
    let ip: String?

    /// The `Host` header for requests to it: the upstream's own authority (made once; it is
    /// sent with every request).
    let hostHeader: String
    /// The upstream's base path (`/v1`, or empty), which every request's path starts with.
    let basePath: String
    /// The hash of the upstream and the address, computed once: an endpoint is a dictionary
    /// key several times per proxied request (connection pools, health, requests in flight),
    /// and hashing its strings each time cost more than the lookups.
    private let identityHash: Int
    /// Requests in flight to this address, for ``UpstreamGroup``'s `least-in-flight`: counted
    /// here, atomically, so that ending a request takes no lock every event loop shares. An
    /// endpoint belongs to one group, which keeps the same object while the address stays.
    let requestsInFlight = Atomic<Int>(0)

    init(_ upstream: Upstream, ip: String? = nil) {
        self.upstream = upstream
        self.ip = ip
        let host = Self.urlHost(upstream.host)
        let defaultPort = upstream.scheme == "https" ? 443 : 80
        self.hostHeader = upstream.port == defaultPort ? host : "\(host):\(upstream.port)"
        self.basePath = upstream.basePath
        var hasher = Hasher()
        hasher.combine(upstream)
        hasher.combine(ip)
        self.identityHash = hasher.finalize()
    }

    /// The URL for a request's (already rewritten) path and query, on this address.
    func url(path: String, query: String?) -> String {
        var url = "\(upstream.scheme)://\(Self.urlHost(ip ?? upstream.host)):\(upstream.port)\(upstream.basePath)\(path)"
        if let query, !query.isEmpty {
            url += "?\(query)"
        }
        return url
    }

    /// The address connections go to, for logs and metrics: `http://10.0.0.7:8080`.
    var description: String {
        "\(upstream.scheme)://\(Self.urlHost(ip ?? upstream.host)):\(upstream.port)\(upstream.basePath)"
    }

    // Identity is the upstream and the address; `hostHeader` follows from the upstream.
    static func == (lhs: UpstreamEndpoint, rhs: UpstreamEndpoint) -> Bool {
        lhs === rhs || (lhs.identityHash == rhs.identityHash && lhs.upstream == rhs.upstream && lhs.ip == rhs.ip)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(identityHash)
    }

    /// An IPv6 literal in brackets, as URLs and `Host` write it.
    static func urlHost(_ host: String) -> String {
        host.utf8.contains(UInt8(ascii: ":")) && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}

extension Upstream {
    /// Whether the host is an IP address already (nothing to resolve).
    var hasIPLiteralHost: Bool {
        IPAddressText.isLiteral(host)
    }

    /// Whether the gateway resolves the host itself and balances over every address it
    /// resolves to: plain `http` upstreams named by a host name. `https` keeps the name,
    /// which its certificate is checked against.
    var isResolvedByGateway: Bool {
        scheme == "http" && !hasIPLiteralHost
    }

    /// Names whose addresses never change (`localhost`, `*.localhost`): resolved once.
    var hasFixedAddresses: Bool {
        let name = host.lowercased()
        return name == "localhost" || name.hasSuffix(".localhost")
    }
}
