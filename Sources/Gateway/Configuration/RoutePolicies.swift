import Contracts

/// How a route spreads requests over its upstream addresses.
enum BalanceStrategy: String, Sendable, Equatable, CaseIterable {
    /// Each address in turn.
    case roundRobin = "round-robin"
    /// The address with the fewest requests in flight (ties in turn).
    case leastInFlight = "least-in-flight"
}

/// `auth` of a route: the gateway verifies the access token at the edge and refuses the
/// request (`401`, or `403` for a role not listed) before it reaches the service, which still
/// checks it itself. The verified identity is forwarded in `X-Authenticated-*` headers.
struct EdgeAuthPolicy: Sendable, Equatable {
    /// Roles allowed through; empty means any signed-in user.
    var roles: Set<Role>
}

/// `rateLimit` of a route: at most `requests` per `windowSeconds`, counted in Redis and so
/// shared by every gateway replica.
struct RateLimitPolicy: Sendable, Equatable {
    /// What a caller is counted by.
    enum Key: String, Sendable, Equatable, CaseIterable {
        /// The client's address (`X-Forwarded-For` from a trusted proxy, else the peer).
        case client
        /// The signed-in user (from a valid access token), else the client's address.
        case user
    }

    var requests: Int
    var windowSeconds: Int
    var key: Key
}

/// The CORS policy of the whole gateway (`"cors"` at the top of `config.json`).
struct CORSPolicy: Sendable, Equatable {
    /// Origins allowed to call the API from a browser; `*` allows any (without credentials).
    var allowedOrigins: [String]
    /// Whether browsers may send cookies and `Authorization` (never with `*`).
    var allowCredentials: Bool
    /// How long a browser may cache a preflight answer.
    var maxAgeSeconds: Int

    static let none = CORSPolicy(allowedOrigins: [], allowCredentials: false, maxAgeSeconds: 600)
}
