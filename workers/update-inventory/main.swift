import CatalogCore
import WorkerRuntime

await Worker.run(queue: .updateInventory) { resources in
    InventoryHandler(
        inventory: InventoryRepository(client: try resources.postgres(), logger: resources.logger),
        cache: ProductCache(redis: try resources.redis(), logger: resources.logger)
    )
}
