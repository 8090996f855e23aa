import CatalogCore
import Contracts
import Messaging
import ServiceKit
import Storage

/// The catalog service: products and their stock. Owns the `catalog` schema (which the
/// `update-inventory` worker also writes). Stock adjustments go to that worker's queue.
@main
struct CatalogApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "catalog")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let resources = bootstrap.resources()
            let database = try resources.database()
            let amqp = try resources.amqp(connectionName: "catalog")
            let queues = try QueuesConfiguration(contentsOfFile: config.string(forKey: "queues.config", default: "queues.yaml"))
            let inventoryQueue = try queues.policy(for: QueueName.updateInventory.rawValue)
            let tokens = try await AccessTokens(config: config)
            let products = ProductsController(
                products: ProductRepository(database: database),
                cache: ProductCache(redis: try resources.redis(), logger: bootstrap.logger)
            )
            let inventory = InventoryController(
                inventory: InventoryRepository(database: database),
                adjustments: InventoryAdjustmentRepository(database: database),
                publisher: MessagePublisher(connection: amqp)
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            products.addRoutes(to: router)
            inventory.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4002,
                services: resources.services,
                beforeServing: {
                    try await Migrator(database: database).migrate(CatalogMigrations.schema)
                    try await amqp.declare(inventoryQueue.declarations)
                }
            )
        }
    }
}
