import HTTPTypes

/// What the gateway answers browsers under a ``CORSPolicy`` (the Fetch standard's CORS
/// protocol): pure functions of the policy and the request's headers.
extension CORSPolicy {
    /// The methods a preflight allows.
    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    /// The request headers a preflight allows: what the API reads.
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent, tracestate"
    /// The response headers scripts may read besides the CORS-safelisted ones.
    static let exposedHeaders = "X-Request-Id, RateLimit, RateLimit-Policy, Retry-After, Location, Idempotent-Replayed"

    /// Whether `origin` (the `Origin` header, e.g. `https://shop.example`) may call the API.
    func allows(origin: String) -> Bool {
        allowedOrigins.contains("*") || allowedOrigins.contains { $0.lowercased() == origin.lowercased() }
    }

    /// Whether `origin` is a fixed list's member rather than matched by `*`: the answer then
    /// depends on `Origin`, which caches must know (`Vary: Origin`).
    private var answerDependsOnOrigin: Bool {
        !allowedOrigins.contains("*")
    }

    /// The headers of a `204` answer to a preflight from an allowed `origin`.
    func preflightHeaders(origin: String) -> HTTPFields {
        var fields = HTTPFields()
        addActualHeaders(origin: origin, exposing: false, to: &fields)
        fields[.accessControlAllowMethods] = Self.allowedMethods
        fields[.accessControlAllowHeaders] = Self.allowedHeaders
        fields[.accessControlMaxAge] = "\(maxAgeSeconds)"
        return fields
    }

    /// Adds the CORS headers of any other answer to an allowed `origin`.
    func addActualHeaders(origin: String, exposing: Bool = true, to fields: inout some EdgeHeaderFields) {
        fields.set(.accessControlAllowOrigin, to: answerDependsOnOrigin ? origin : "*")
        if allowCredentials {
            fields.set(.accessControlAllowCredentials, to: "true")
        }
        if exposing {
            fields.set(.accessControlExposeHeaders, to: Self.exposedHeaders)
        }
    }

    /// Whether a request is a preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    static func isPreflight(method: String, headers: some EdgeHeaderFields) -> Bool {
        method == "OPTIONS" && headers.first(.origin) != nil && headers.first(.accessControlRequestMethod) != nil
    }
}
