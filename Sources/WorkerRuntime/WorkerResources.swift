import Configuration
import Logging
import Mail
import Messaging
import NIOPosix
import PostgresNIO
import RedisStore
import ServiceKit
import ServiceLifecycle
import Storage

/// The clients a handler may ask for while it is being built: each is created once from the
/// environment, on first request, and then runs as a service of the worker process (started
/// before the worker consumes, stopped after it finished) and is checked by `/ready`.
///
/// Used only during start-up, on one task, so it is a plain class and not `Sendable`.
public final class WorkerResources {
    public let config: ConfigReader
    public let logger: Logger
    /// The worker's AMQP connection: handlers publish through their ``MessageContext``.
    public let connection: AMQPConnection
    private(set) var services: [any Service] = []
    private(set) var readiness: [ReadinessCheck] = []
    private var postgresDatabase: Database?
    private var redisClient: RedisClient?

    init(config: ConfigReader, logger: Logger, connection: AMQPConnection) {
        self.config = config
        self.logger = logger
        self.connection = connection
        readiness.append(ReadinessCheck("rabbitmq") { connection.isConnected })
    }

    /// The PostgreSQL database (`DATABASE_URL`).
    public func database() throws -> Database {
        if let postgresDatabase { return postgresDatabase }
        let configuration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        let database = Database(client: client, logger: logger)
        postgresDatabase = database
        services.append(client)
        readiness.append(ReadinessCheck("postgres", check: database.isReachable))
        return database
    }

    /// The Redis pool (`REDIS_URL`).
    public func redis() throws -> RedisClient {
        if let redisClient { return redisClient }
        let configuration = try RedisConfiguration(url: try config.required("redis.url", isSecret: true))
        let client = RedisClient(configuration: configuration, threadPool: NIOThreadPool.singleton, logger: logger)
        redisClient = client
        services.append(client)
        readiness.append(ReadinessCheck("redis", check: client.isReachable))
        return client
    }

    /// A publisher on the worker's AMQP connection, for services that publish on their own
    /// (a sweeper). Handlers publish through their ``MessageContext``.
    public var publisher: MessagePublisher {
        MessagePublisher(connection: connection)
    }

    /// Runs `service` beside the worker for as long as it runs (started before consuming,
    /// stopped after the worker drained), e.g. a periodic sweeper.
    public func addService(_ service: any Service) {
        services.append(service)
    }

    /// An SMTP mailer (`SMTP_URL`).
    public func mailer() throws -> SMTPMailer {
        SMTPMailer(
            configuration: try SMTPConfiguration(url: try config.required("smtp.url", isSecret: true)),
            threadPool: NIOThreadPool.singleton,
            logger: logger
        )
    }
}
