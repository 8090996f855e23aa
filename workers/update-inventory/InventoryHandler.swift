import CatalogCore
import Contracts
import Foundation
import WorkerRuntime

/// Applies stock movements for orders, a batch at a time: all the batch's reservations in ONE
/// transaction (each order all or nothing, never overselling, each settled on its own), its
/// commits (paid) in another and its releases (compensation) in a third, then returns and
/// admins' adjustments one by one. Every movement is idempotent per order; after a change the
/// catalog cache is dropped so no one sees the old stock.
struct InventoryHandler: BatchWorkerHandler {
    let inventory: InventoryRepository
    let adjustments: InventoryAdjustmentRepository
    let cache: ProductCache

    func handle(_ batch: [BatchItem<InventoryCommand>]) async throws -> BatchFailures {
        var failures = BatchFailures()
        let reservations = batch.indices.compactMap { index -> (index: Int, request: ReserveInventory)? in
            guard case .reserve(let request) = batch[index].message else { return nil }
            return (index, request)
        }
        if !reservations.isEmpty {
            try await reserve(reservations, in: batch, failures: &failures)
        }
        var changed = await settle(batch, failures: &failures)
        for (index, item) in batch.enumerated() {
            do {
                switch item.message {
                case .reserve, .commit, .release:
                    continue
                case .adjust(let adjust):
                    let moved = try await apply(adjust, context: item.context)
                    changed = changed || moved
                case .returnStock(let command):
                    let products = try await inventory.returnStock(orderId: command.orderId, reason: command.reason)
                    changed = changed || !products.isEmpty
                    item.context.logger.info("stock returned", metadata: ["order.id": "\(command.orderId)", "products": "\(products.count)"])
                }
            } catch {
                failures.record(error, at: index)
            }
        }
        if changed {
            await cache.invalidate()
        }
        return failures
    }

    /// Reserves for every order of the batch in one transaction and publishes each outcome.
    /// If that transaction fails, each order is tried in a transaction of its own, so one
    /// order that cannot be processed never holds back the others.
    private func reserve(_ reservations: [(index: Int, request: ReserveInventory)], in batch: [BatchItem<InventoryCommand>], failures: inout BatchFailures)
        async throws
    {
        var outcomes: [UUID: ReservationOutcome]
        do {
            outcomes = try await inventory.reserve(reservations.map(\.request))
        } catch {
            guard reservations.count > 1 else { throw error }
            batch[reservations[0].index].context.logger.warning(
                "the batch reservation failed; reserving order by order", metadata: ["error": "\(error)", "orders": "\(reservations.count)"]
            )
            outcomes = [:]
            for (index, request) in reservations {
                do {
                    outcomes.merge(try await inventory.reserve([request])) { first, _ in first }
                } catch {
                    failures.record(error, at: index)
                }
            }
        }
        await cache.invalidate()

        var followUps: [(context: MessageContext, message: any QueueMessage)] = []
        var positions: [Int] = []
        for (index, request) in reservations {
            guard let outcome = outcomes[request.orderId] else { continue }
            let context = batch[index].context
            switch outcome {
            case .reserved:
                context.logger.info("stock reserved", metadata: ["order.id": "\(request.orderId)"])
                followUps.append((context, InventoryReserved(orderId: request.orderId)))
            case .rejected(let reason, let shortages):
                context.logger.info("stock reservation rejected", metadata: ["order.id": "\(request.orderId)", "reason": "\(reason)"])
                followUps.append((context, InventoryRejected(orderId: request.orderId, reason: reason, shortages: shortages)))
            }
            positions.append(index)
        }
        for (position, result) in zip(positions, await MessageContext.publish(followUps)) {
            if case .failure(let error) = result {
                failures.record(error, at: position)
            }
        }
    }
}
