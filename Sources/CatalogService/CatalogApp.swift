import CatalogCore
import ServiceKit
import Storage

/// The catalog service: products and their stock. Owns the `catalog` schema.
@main
struct CatalogApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "catalog")
        await bootstrap.runOrExit {
            let resources = bootstrap.resources()
            let database = try resources.database()
            let tokens = try await AccessTokens(config: bootstrap.config)
            let controller = ProductsController(
                products: ProductRepository(database: database),
                cache: ProductCache(redis: try resources.redis(), logger: bootstrap.logger)
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            try await bootstrap.run(
                router: router,
                defaultPort: 4002,
                services: resources.services,
                beforeServing: { try await Migrator(database: database).migrate(CatalogMigrations.schema) }
            )
        }
    }
}
