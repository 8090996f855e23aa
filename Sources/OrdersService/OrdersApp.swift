import AsyncHTTPClient
import Contracts
import Messaging
import OrdersCore
import PostgresNIO
import ServiceKit
import Storage

/// The orders service: checkout and orders. Owns the `orders` schema (which the checkout
/// worker, the saga's orchestrator, also writes).
@main
struct OrdersApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "orders")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let databaseConfiguration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: bootstrap.logger)
            let database = Database(client: postgres, logger: bootstrap.logger)
            let amqp = AMQPConnection(
                configuration: try AMQPConfiguration(url: try config.required("amqp.url", isSecret: true), connectionName: "orders"),
                logger: bootstrap.logger
            )
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let checkoutQueue = try queues.policy(for: QueueName.checkout.rawValue)
            let tokens = try await AccessTokens(config: config)
            let controller = OrdersController(
                orders: OrderRepository(database: database),
                carts: CartClient(baseURL: try config.required("cart.url"), http: HTTPClient.shared),
                publisher: MessagePublisher(connection: amqp)
            )
            let router = bootstrap.makeRouter(
                tokens: tokens,
                readiness: [
                    ReadinessCheck("postgres", check: database.isReachable),
                    ReadinessCheck("rabbitmq") { amqp.isConnected },
                ]
            )
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4004,
                services: [postgres, amqp],
                beforeServing: {
                    try await Migrator(database: database).migrate(OrdersMigrations.schema)
                    try await amqp.declare(checkoutQueue.declarations)
                }
            )
        }
    }
}
