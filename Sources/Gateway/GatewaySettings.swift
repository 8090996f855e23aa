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
    /// `GATEWAY_CLIENT_IDLE_TIMEOUT_SECONDS`: a client connection with no complete request for
    /// this long is closed (also a client trickling a request head).
    var clientIdleTimeout: TimeAmount
    /// `GATEWAY_CLIENT_STALL_TIMEOUT_SECONDS`: a client whose upload stalls this long after the
    /// gateway finished with its request loses the connection.
    var clientStallTimeout: TimeAmount
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
        clientIdleTimeout = .seconds(Int64(try config.integer("gateway.clientIdleTimeoutSeconds", default: 60, in: 1...3600)))
        clientStallTimeout = .seconds(Int64(try config.integer("gateway.clientStallTimeoutSeconds", default: 10, in: 1...3600)))
        rateLimitTimeout = .milliseconds(try config.integer("gateway.rateLimitTimeoutMs", default: 100, in: 5...5000))
    }
}
