import CatalogCore
import Contracts
import WorkerRuntime

/// Applies stock movements for orders: reserve (all or nothing, never overselling), release
/// (compensation) and commit (paid). Each is one transaction, idempotent per order; after a
/// change the catalog cache is dropped so no one sees the old stock.
struct InventoryHandler: WorkerHandler {
    let inventory: InventoryRepository
    let cache: ProductCache

    func handle(_ command: InventoryCommand, context: MessageContext) async throws {
        var context = context
        context.logger[metadataKey: "order.id"] = "\(command.orderId)"
        switch command {
        case .reserve(let request):
            let outcome = try await inventory.reserve([request])[request.orderId] ?? .rejected(reason: "no outcome", shortages: [])
            await cache.invalidate()
            switch outcome {
            case .reserved:
                context.logger.info("stock reserved")
                try await context.publish(InventoryReserved(orderId: request.orderId))
            case .rejected(let reason, let shortages):
                context.logger.info("stock reservation rejected", metadata: ["reason": "\(reason)"])
                try await context.publish(InventoryRejected(orderId: request.orderId, reason: reason, shortages: shortages))
            }
        case .release(let release):
            let changed = try await inventory.release(orderId: release.orderId, reason: release.reason)
            if !changed.isEmpty { await cache.invalidate() }
            context.logger.info("stock released", metadata: ["products": "\(changed.count)"])
        case .commit(let commit):
            let changed = try await inventory.commit(orderId: commit.orderId)
            if !changed.isEmpty { await cache.invalidate() }
            context.logger.info("stock committed", metadata: ["products": "\(changed.count)"])
        }
    }
}
