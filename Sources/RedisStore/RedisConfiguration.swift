/// Where and how a ``RedisClient`` connects, and how its connection pool behaves.
///
/// Build it from the `REDIS_URL` environment variable with ``init(url:poolSize:)``, then adjust
/// the timeouts or the pool if needed. ``description`` never contains the password.
public struct RedisConfiguration: Sendable, Hashable {
    /// The server's host name or IP address (an IPv6 address without brackets).
    public var host: String
    /// The server's TCP port.
    public var port: Int
    /// The ACL user name sent with `AUTH`, or `nil` for the default user.
    public var username: String?
    /// The password sent with `AUTH` on every new connection, or `nil` to skip `AUTH`. Never logged.
    public var password: String?
    /// The logical database selected with `SELECT` on every new connection.
    public var database: Int
    /// The most connections the pool opens at once; further commands wait in FIFO order.
    public var poolSize: Int
    /// How long establishing one TCP connection may take.
    public var connectTimeout: Duration
    /// How long a single read or write on a connection may block before the command fails with
    /// ``RedisError/timeout(command:)`` (and the connection is dropped).
    public var commandTimeout: Duration
    /// The first delay before reconnecting after a failed connection attempt; it doubles with
    /// each consecutive failure up to ``reconnectBackoffCap``, with jitter.
    public var reconnectBackoffBase: Duration
    /// The longest delay between reconnection attempts while the server is unreachable.
    public var reconnectBackoffCap: Duration
    /// A name set with `CLIENT SETNAME` on every new connection (visible in `CLIENT LIST`), or `nil`.
    public var clientName: String?

    /// Creates a configuration from explicit values.
    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        poolSize: Int = 8,
        connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5),
        reconnectBackoffBase: Duration = .milliseconds(100),
        reconnectBackoffCap: Duration = .seconds(5),
        clientName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.poolSize = max(1, poolSize)
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.reconnectBackoffBase = reconnectBackoffBase
        self.reconnectBackoffCap = reconnectBackoffCap
        self.clientName = clientName
    }

    /// Parses a `redis://[[username]:password@]host[:port][/database]` URL.
    ///
    /// The port defaults to 6379 and the database to 0; user name and password are
    /// percent-decoded. `rediss://` (TLS) is rejected: the system hiredis is built without TLS.
    /// - Throws: ``RedisError/invalidConfiguration(reason:)`` saying what is wrong.
    public init(url: String, poolSize: Int = 8) throws {
        let parsed = try RedisURL(parsing: url)
        self.init(
            host: parsed.host,
            port: parsed.port,
            username: parsed.username,
            password: parsed.password,
            database: parsed.database,
            poolSize: poolSize
        )
    }
}

extension RedisConfiguration: CustomStringConvertible {
    /// The server address, database and pool size; the password is redacted.
    public var description: String {
        let credentials: String
        switch (username, password) {
        case (nil, nil): credentials = ""
        case (let user?, nil): credentials = "\(user)@"
        case (let user, _?): credentials = "\(user ?? ""):***@"
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "redis://\(credentials)\(hostPart):\(port)/\(database) (pool \(poolSize))"
    }
}
