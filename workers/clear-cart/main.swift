import CartCore
import WorkerRuntime

await Worker.run(queue: .clearCart) { resources in
    let idleSeconds = try resources.config.integer(
        CartStore.idleLifetimeSetting, default: CartStore.defaultIdleSeconds, in: CartStore.idleSecondsRange)
    return ClearCartHandler(
        carts: CartStore(redis: try resources.redis(), idleLifetime: .seconds(idleSeconds), logger: resources.logger)
    )
}
