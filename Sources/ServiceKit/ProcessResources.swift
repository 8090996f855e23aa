import Configuration
import Logging
import Messaging
import NIOPosix
import PostgresNIO
import RedisStore
import ServiceLifecycle
import Storage

/// The clients a process builds at start, from its environment: each is created once, on
/// first request, then runs as one of the process's services (started before it serves or
/// consumes, stopped after) and is checked by `/ready`.
///
/// Used only while the process starts, on one task, so it is a plain class and not `Sendable`.
open class ProcessResources {
    public let config: ConfigReader
    public let logger: Logger
    /// The services to run, in start order (they stop in reverse).
    public private(set) var services: [any Service] = []
    /// What `/ready` checks.
    public private(set) var readiness: [ReadinessCheck] = []
    private var cachedDatabase: Database?
    private var cachedRedis: RedisClient?
    private var cachedAMQP: AMQPConnection?

    public init(config: ConfigReader, logger: Logger) {
        self.config = config
        self.logger = logger
    }

    /// The PostgreSQL database (`DATABASE_URL`).
    public func database() throws -> Database {
        if let cachedDatabase { return cachedDatabase }
        let configuration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
        let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
        let database = Database(client: client, logger: logger)
        cachedDatabase = database
        addService(client, readiness: ReadinessCheck("postgres", check: database.isReachable))
        return database
    }

    /// The Redis pool (`REDIS_URL`), its blocking calls on a thread pool of its own.
    public func redis() throws -> RedisClient {
        if let cachedRedis { return cachedRedis }
        let configuration = try RedisConfiguration(url: try config.required("redis.url", isSecret: true))
        let threads = NIOThreadPool(numberOfThreads: configuration.poolSize)
        threads.start()
        let client = RedisClient(configuration: configuration, threadPool: threads, logger: logger)
        cachedRedis = client
        addService(client, readiness: ReadinessCheck("redis", check: client.isReachable))
        return client
    }

    /// The RabbitMQ connection (`AMQP_URL`), named `connectionName` in the management UI.
    public func amqp(connectionName: String) throws -> AMQPConnection {
        if let cachedAMQP { return cachedAMQP }
        let connection = AMQPConnection(
            configuration: try AMQPConfiguration(url: try config.required("amqp.url", isSecret: true), connectionName: connectionName),
            logger: logger
        )
        cachedAMQP = connection
        addService(connection, readiness: ReadinessCheck("rabbitmq") { connection.isConnected })
        return connection
    }

    /// Runs `service` with the process, e.g. a periodic sweeper; `readiness` joins `/ready`.
    public func addService(_ service: any Service, readiness check: ReadinessCheck? = nil) {
        services.append(service)
        if let check {
            readiness.append(check)
        }
    }
}
