import AsyncHTTPClient
import CartCore
import ServiceKit

/// The cart service: each user's cart, in Redis.
@main
struct CartApp {
    static func main() async {
        let bootstrap = ServiceBootstrap(name: "cart")
        await bootstrap.runOrExit {
            let config = bootstrap.config
            let resources = bootstrap.resources()
            let tokens = try await AccessTokens(config: config)
            let idleSeconds = try config.integer(CartStore.idleLifetimeSetting, default: CartStore.defaultIdleSeconds, in: CartStore.idleSecondsRange)
            let controller = CartController(
                store: CartStore(redis: try resources.redis(), idleLifetime: .seconds(idleSeconds), logger: bootstrap.logger),
                catalog: CatalogClient(baseURL: try config.required("catalog.url"), http: HTTPClient.shared)
            )
            let router = bootstrap.makeRouter(tokens: tokens, readiness: resources.readiness)
            controller.addRoutes(to: router)
            try await bootstrap.run(router: router, defaultPort: 4003, services: resources.services)
        }
    }
}
