import CatalogCore
import Contracts
import Foundation
import WorkerRuntime

extension InventoryHandler {
    /// Commits the held stock of the batch's paid orders in one transaction and releases that
    /// of its failed ones in another. If such a transaction fails, its orders are tried one
    /// transaction each, so one order that cannot be processed never holds back the others.
    /// Returns whether any stock changed.
    func settle(_ batch: [BatchItem<InventoryCommand>], failures: inout BatchFailures) async -> Bool {
        var commits: [(index: Int, orderId: UUID, reason: String)] = []
        var releases: [(index: Int, orderId: UUID, reason: String)] = []
        for (index, item) in batch.enumerated() {
            switch item.message {
            case .commit(let commit): commits.append((index, commit.orderId, "order confirmed"))
            case .release(let release): releases.append((index, release.orderId, release.reason))
            default: continue
            }
        }
        let committed = await settle(commits, in: batch, done: "stock committed", failures: &failures) { orders in
            try await inventory.commit(orderIds: orders.map(\.orderId))
        }
        let released = await settle(releases, in: batch, done: "stock released", failures: &failures) { orders in
            try await inventory.release(orders)
        }
        return committed || released
    }

    /// Runs `movement` on all of `orders` at once, or one by one if that fails; logs `done`
    /// for each order and records the failures. Returns whether any stock changed.
    private func settle(
        _ orders: [(index: Int, orderId: UUID, reason: String)],
        in batch: [BatchItem<InventoryCommand>],
        done: String,
        failures: inout BatchFailures,
        movement: ([(orderId: UUID, reason: String)]) async throws -> [UUID: [UUID]]
    ) async -> Bool {
        guard !orders.isEmpty else { return false }
        var moved: [UUID: [UUID]] = [:]
        do {
            moved = try await movement(orders.map { ($0.orderId, $0.reason) })
        } catch {
            guard orders.count > 1 else {
                failures.record(error, at: orders[0].index)
                return false
            }
            batch[orders[0].index].context.logger.warning(
                "the batch transaction failed; settling order by order", metadata: ["error": "\(error)", "orders": "\(orders.count)"])
            for order in orders {
                do {
                    moved.merge(try await movement([(order.orderId, order.reason)])) { first, _ in first }
                } catch {
                    failures.record(error, at: order.index)
                }
            }
        }
        for order in orders where failures.errors[order.index] == nil {
            batch[order.index].context.logger.info(
                "\(done)", metadata: ["order.id": "\(order.orderId)", "products": "\(moved[order.orderId]?.count ?? 0)"])
        }
        return !moved.isEmpty
    }
}
