import AsyncHTTPClient
import Contracts
import Messaging
import OrdersCore
import ServiceKit
import Storage

/// The orders service: checkout, orders and their payments. Owns the `orders` schema (which the checkout
/// worker, the saga's orchestrator, also writes).
@main
struct OrdersApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "orders")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let resources = bootstrap.resources()
            let database = try resources.database()
            let amqp = try resources.amqp(connectionName: "orders")
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let checkoutQueue = try queues.policy(for: QueueName.checkout.rawValue)
            let tokens = try await AccessTokens(config: config)
            let controller = OrdersController(
                orders: OrderRepository(database: database),
                carts: CartClient(baseURL: try config.required("cart.url"), http: HTTPClient.shared),
                publisher: MessagePublisher(connection: amqp),
                requireVerifiedEmail: config.bool(forKey: "requireVerifiedEmail", default: true)
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            PaymentsController(orders: OrderRepository(database: database), payments: PaymentRepository(database: database))
                .addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4004,
                services: resources.services,
                beforeServing: {
                    try await Migrator(database: database).migrate(OrdersMigrations.schema)
                    try await amqp.declare(checkoutQueue.declarations)
                }
            )
        }
    }
}
