/// Where and how to connect to RabbitMQ.
///
/// `description` shows everything but the password.
public struct AMQPConfiguration: Sendable, CustomStringConvertible {
    /// The broker's host name or IP address.
    public var host: String
    /// The broker's AMQP port (5672 unless the URL says otherwise).
    public var port: Int
    /// The user to log in as.
    public var username: String
    /// The user's password. Never logged.
    public var password: String
    /// The virtual host, `/` by default.
    public var virtualHost: String
    /// The heartbeat interval proposed to the broker, 30 s by default; `.zero` disables heartbeats.
    public var heartbeat: Duration
    /// The connection's name in the management UI (the `connection_name` client property).
    public var connectionName: String
    /// How long opening the TCP connection and logging in may take, 5 s by default.
    public var connectTimeout: Duration
    /// How long a call made while disconnected waits for a connection before it throws
    /// ``AMQPError/timeout(operation:)``, 10 s by default. This covers calls made before the
    /// first connect as well as calls made while reconnecting.
    public var connectionWaitTimeout: Duration
    /// How long a synchronous AMQP method (declare, purge, get, ...) may wait for its reply
    /// before the connection is considered dead, 30 s by default.
    public var rpcTimeout: Duration
    /// On graceful shutdown, how long to wait for outstanding publisher confirms, 5 s by default.
    public var shutdownTimeout: Duration
    /// The first delay before reconnecting, 100 ms by default; it doubles per failed attempt.
    public var reconnectInitialDelay: Duration
    /// The longest delay between reconnect attempts, 5 s by default.
    public var reconnectMaxDelay: Duration
    /// How long an ack nobody waits for (``AMQPConnection/ackWithoutWaiting(_:)``) may be held
    /// back so that later ones go out with it as one `multiple` ack, 1 ms by default. Held acks
    /// go out sooner once a quarter of a consumer's prefetch window is waiting for them, and
    /// before any other command; `.zero` sends each turn's acks at once. Fewer ack frames cost
    /// the broker less (a quorum queue logs each one); a held ack is lost only with the
    /// connection, and then the broker redelivers its message, as for any unacked delivery.
    public var ackHoldTime: Duration

    /// A configuration with the defaults described on each property.
    public init(
        host: String,
        port: Int = 5672,
        username: String = "guest",
        password: String = "guest",
        virtualHost: String = "/",
        heartbeat: Duration = .seconds(30),
        connectionName: String
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.virtualHost = virtualHost
        self.heartbeat = heartbeat
        self.connectionName = connectionName
        self.connectTimeout = .seconds(5)
        self.connectionWaitTimeout = .seconds(10)
        self.rpcTimeout = .seconds(30)
        self.shutdownTimeout = .seconds(5)
        self.reconnectInitialDelay = .milliseconds(100)
        self.reconnectMaxDelay = .seconds(5)
        self.ackHoldTime = .milliseconds(1)
    }

    /// The connection without its password, e.g. `amqp://shop@127.0.0.1:5672/%2F (orders)`.
    public var description: String {
        "amqp://\(username)@\(host):\(port)/\(AMQPURL.percentEncode(virtualHost)) (\(connectionName))"
    }
}

extension AMQPConfiguration {
    /// Parses an AMQP URI, `amqp://user:password@host:port/vhost`, as in `AMQP_URL`.
    ///
    /// User, password and virtual host are percent-decoded (`%2F` is the default vhost `/`);
    /// an absent path means `/` too. The port defaults to 5672, user and password to `guest`.
    /// The query parameter `heartbeat` (seconds) overrides the default heartbeat.
    /// - Throws: ``AMQPError/invalidURL(_:reason:)`` naming the problem; the password is redacted.
    public init(url: String, connectionName: String) throws(AMQPError) {
        let parsed = try AMQPURL(parsing: url)
        self.init(
            host: parsed.host,
            port: parsed.port,
            username: parsed.username,
            password: parsed.password,
            virtualHost: parsed.virtualHost,
            connectionName: connectionName
        )
        if let heartbeat = parsed.heartbeatSeconds {
            self.heartbeat = .seconds(heartbeat)
        }
    }
}
