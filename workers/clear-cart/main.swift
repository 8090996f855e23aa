import CartCore
import WorkerRuntime

await Worker.run(queue: .clearCart) { resources in
    let idleDays = try resources.config.integer("cart.idleDays", default: 30, in: 1...365)
    return ClearCartHandler(
        carts: CartStore(redis: try resources.redis(), idleLifetime: .seconds(idleDays * 24 * 3600), logger: resources.logger)
    )
}
