import CatalogCore
import NIOPosix
import PostgresNIO
import RedisStore
import ServiceKit
import Storage

/// The catalog service: products and their stock. Owns the `catalog` schema.
@main
struct CatalogApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "catalog")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let databaseConfiguration = try DatabaseConfiguration(url: try config.required("database.url", isSecret: true))
            let postgres = PostgresClient(configuration: databaseConfiguration.clientConfiguration, backgroundLogger: bootstrap.logger)
            let database = Database(client: postgres, logger: bootstrap.logger)
            let redis = RedisClient(
                configuration: try RedisConfiguration(url: try config.required("redis.url", isSecret: true)),
                threadPool: NIOThreadPool.singleton,
                logger: bootstrap.logger
            )
            let tokens = try await AccessTokens(config: config)
            let controller = ProductsController(
                products: ProductRepository(database: database),
                cache: ProductCache(redis: redis, logger: bootstrap.logger)
            )
            let router = bootstrap.makeRouter(
                tokens: tokens,
                readiness: [
                    ReadinessCheck("postgres", check: database.isReachable),
                    ReadinessCheck("redis", check: redis.isReachable),
                ]
            )
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4002,
                services: [postgres, redis],
                beforeServing: { try await Migrator(database: database).migrate(CatalogMigrations.schema) }
            )
        }
    }
}
