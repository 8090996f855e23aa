import Contracts

/// One entry of the route map: requests whose path starts with `prefix` (on a segment
/// boundary) go to one of `upstreams`, with the route's policies.
///
/// `config.json` gives a route either as a URL string (the seed form) or as an object:
/// ```json
/// "/orders": {
///   "upstreams": ["http://orders-1:8080", "http://orders-2:8080"], "balance": "least-in-flight",
///   "auth": true, "rateLimit": { "requests": 60, "windowSeconds": 60, "key": "user" },
///   "timeout": 10, "retries": 1, "maxBodyBytes": 65536, "stripPrefix": false
/// }
/// ```
struct Route: Sendable, Equatable {
    /// `/auth`: always starts with `/`, never ends with one (except the root route `/`).
    var prefix: String
    /// Where requests go: one or more addresses (a name may also resolve to several).
    var upstreams: [Upstream]
    var balance: BalanceStrategy = .roundRobin
    /// Verify the access token at the edge; `nil`: the service alone decides.
    var auth: EdgeAuthPolicy? = nil
    var rateLimit: RateLimitPolicy? = nil
    /// How long the upstream may take to answer (its response head).
    var timeout: Duration
    /// How many more addresses an idempotent request tries when one refuses the connection.
    var retries: Int
    /// The largest request body accepted (`413` above it).
    var maxBodyBytes: Int
    /// Whether the prefix is removed from the path sent upstream (`/api/x` → `/x`).
    var stripPrefix: Bool = false

    init(prefix: String, upstreams: [Upstream], defaults: RouteDefaults) throws(GatewayConfigurationError) {
        guard prefix.hasPrefix("/") else {
            throw GatewayConfigurationError(route: prefix, reason: "a prefix must start with '/'")
        }
        guard !prefix.contains("?"), !prefix.contains("#"), !prefix.contains("//") else {
            throw GatewayConfigurationError(route: prefix, reason: "a prefix is a plain path, without '?', '#' or '//'")
        }
        self.prefix = prefix.count > 1 && prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.upstreams = upstreams
        self.timeout = defaults.timeout
        self.retries = defaults.retries
        self.maxBodyBytes = defaults.maxBodyBytes
    }

    /// Whether `path` falls under this route: `/auth` takes `/auth` and `/auth/login`,
    /// never `/authors`.
    func matches(_ path: String) -> Bool {
        // Compared as bytes: a request's path is a byte string, not text to normalise.
        prefix.withUTF8Bytes { prefix in
            path.withUTF8Bytes { path in
                if prefix.count == 1, prefix[0] == UInt8(ascii: "/") { return true }
                guard path.count >= prefix.count else { return false }
                for index in 0..<prefix.count where path[index] != prefix[index] {
                    return false
                }
                return path.count == prefix.count || path[prefix.count] == UInt8(ascii: "/")
            }
        }
    }

    /// The path sent upstream: unchanged, or without the prefix when `stripPrefix` is set.
    func upstreamPath(for path: String) -> String {
        guard stripPrefix, prefix != "/" else { return path }
        let rest = path[path.utf8.index(path.startIndex, offsetBy: prefix.utf8.count)...]
        return rest.isEmpty ? "/" : String(rest)
    }
}

/// What a route gets for the settings its entry leaves out: the gateway's environment
/// (`GATEWAY_TIMEOUT_SECONDS`, `GATEWAY_RETRIES`, `GATEWAY_MAX_BODY_BYTES`).
struct RouteDefaults: Sendable, Equatable {
    var timeout: Duration = .seconds(30)
    var retries: Int = 1
    var maxBodyBytes: Int = 10 << 20
}
