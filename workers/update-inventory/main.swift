import CatalogCore
import WorkerRuntime

await Worker.run(queue: .updateInventory) { resources in
    InventoryHandler(
        inventory: InventoryRepository(database: try resources.database()),
        adjustments: InventoryAdjustmentRepository(database: try resources.database()),
        cache: ProductCache(redis: try resources.redis(), logger: resources.logger)
    )
}
