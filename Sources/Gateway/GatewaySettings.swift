import Configuration
import NIOCore
import ServiceKit

/// The gateway's settings from the environment (each documented in `.env.example`).
struct GatewaySettings: Sendable {
    /// `GATEWAY_CONFIG`: the route map (default `config.json`).
    var configPath: String
    /// `GATEWAY_CONFIG_POLL_SECONDS`: how often the file is checked for changes (0: only on `SIGHUP`).
    var configPollInterval: Duration?
    /// `GATEWAY_TIMEOUT_SECONDS`, `GATEWAY_RETRIES`, `GATEWAY_MAX_BODY_BYTES`: what routes get
    /// when their entry does not say.
    var routeDefaults: RouteDefaults
    /// `GATEWAY_CONNECT_TIMEOUT_MS`: how long a connection to an upstream may take.
    var connectTimeout: TimeAmount
    /// `GATEWAY_CLIENT_IDLE_TIMEOUT_SECONDS`: a client connection is closed when it sends
    /// nothing of a request for this long: idle between requests, trickling a request head
    /// (only complete heads count), or stalling in the middle of a body.
    var clientIdleTimeout: TimeAmount
    /// `GATEWAY_EJECT_FAILURES`, `GATEWAY_EJECT_SECONDS`, `GATEWAY_BREAKER_FAILURES`,
    /// `GATEWAY_BREAKER_OPEN_SECONDS`: passive health of upstream addresses and circuit breakers.
    var upstreamPolicy: UpstreamHealthPolicy
    /// `GATEWAY_RESOLVE_SECONDS`: how often upstream host names are resolved again.
    var resolveInterval: Duration
    /// `GATEWAY_RATE_LIMIT_TIMEOUT_MS`: how long a rate-limit decision may take in Redis before
    /// the request goes through unchecked (fail open).
    var rateLimitTimeout: Duration

    init(config: ConfigReader) throws(SettingsError) {
        configPath = config.string(forKey: "gateway.config", default: "config.json")
        let poll = try config.integer("gateway.configPollSeconds", default: 2, in: 0...3600)
        configPollInterval = poll == 0 ? nil : .seconds(poll)
        routeDefaults = RouteDefaults(
            timeout: .seconds(try config.integer("gateway.timeoutSeconds", default: 30, in: 1...3600)),
            retries: try config.integer("gateway.retries", default: 1, in: 0...10),
            maxBodyBytes: try config.integer("gateway.maxBodyBytes", default: 10 << 20, in: 0...(1 << 40))
        )
        connectTimeout = .milliseconds(Int64(try config.integer("gateway.connectTimeoutMs", default: 2000, in: 10...60_000)))
        clientIdleTimeout = .seconds(Int64(try config.integer("gateway.clientIdleTimeoutSeconds", default: 30, in: 1...3600)))
        upstreamPolicy = UpstreamHealthPolicy(
            ejection: .init(
                failures: try config.integer("gateway.ejectFailures", default: 3, in: 1...1000),
                ejectDuration: .seconds(try config.integer("gateway.ejectSeconds", default: 10, in: 1...3600))
            ),
            breaker: .init(
                failures: try config.integer("gateway.breakerFailures", default: 5, in: 1...1000),
                openDuration: .seconds(try config.integer("gateway.breakerOpenSeconds", default: 10, in: 1...3600))
            )
        )
        resolveInterval = .seconds(try config.integer("gateway.resolveSeconds", default: 5, in: 1...3600))
        rateLimitTimeout = .milliseconds(try config.integer("gateway.rateLimitTimeoutMs", default: 100, in: 5...5000))
    }
}
