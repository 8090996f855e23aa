import HTTPTypes
import ServiceKit

/// What a route's rate limit said about one request.
struct RateLimitDecision: Sendable, Equatable {
    /// Whether the request may go on.
    var allowed: Bool
    /// Requests the caller may still make right now.
    var remaining: Int
    /// Until the caller's whole quota is back.
    var resetAfter: Duration
    /// When refused: until the next request would be allowed (zero when allowed).
    var retryAfter: Duration
}

/// A request's standing against its route's limit, as the client is told it: the
/// `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-09
/// (Structured Field lists naming the policy, here the route's prefix), and, when refused,
/// a `429` problem with `Retry-After`.
///
/// ```
/// RateLimit-Policy: "/auth";q=20;w=60
/// RateLimit: "/auth";r=0;t=42
/// Retry-After: 3
/// ```
struct RateLimitQuota: Sendable, Equatable {
    /// The route's prefix: the policy's name.
    var route: String
    var policy: RateLimitPolicy
    var decision: RateLimitDecision

    static let policyField = HTTPField.Name("RateLimit-Policy")!
    static let stateField = HTTPField.Name("RateLimit")!

    /// Adds `RateLimit-Policy` and `RateLimit`, for every answer on a limited route.
    func addHeaders(to fields: inout some EdgeHeaderFields) {
        let name = Self.structuredString(route)
        fields.set(Self.policyField, to: "\(name);q=\(policy.requests);w=\(policy.windowSeconds)")
        fields.set(Self.stateField, to: "\(name);r=\(decision.remaining);t=\(Self.seconds(decision.resetAfter))")
    }

    /// The `429` problem for a refused request: the headers above and `Retry-After` (at least 1 s).
    var problem: HTTPProblem {
        let retryAfter = max(1, Self.seconds(decision.retryAfter))
        var fields = HTTPFields()
        addHeaders(to: &fields)
        fields[.retryAfter] = "\(retryAfter)"
        let subject = policy.key == .user ? "per user" : "per client address"
        return HTTPProblem(
            .tooManyRequests,
            detail: "Too many requests to \(route): the limit is \(policy.requests) per \(policy.windowSeconds) s \(subject). "
                + "Try again in \(retryAfter) s.",
            headers: fields
        )
    }

    /// Whole seconds, rounded up (a client waiting that long is never too early).
    static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// `text` as a Structured Field String (RFC 9651 §3.3.3): quoted, `\` and `"` escaped,
    /// anything outside printable ASCII replaced by `?`.
    static func structuredString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "\"": quoted += "\\\(scalar)"
            case " "..."~": quoted.unicodeScalars.append(scalar)
            default: quoted += "?"
            }
        }
        return quoted + "\""
    }
}
