import Configuration

/// Where a process's HTTP server listens: `HTTP_HOST` (default 127.0.0.1) and
/// `HTTP_PORT` (default: the process's own port; 0 picks a free one).
public struct HTTPServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(config: ConfigReader, defaultPort: Int) throws(SettingsError) {
        self.host = config.string(forKey: "http.host", default: "127.0.0.1")
        self.port = try config.integer("http.port", default: defaultPort, in: 0...65535)
    }
}
