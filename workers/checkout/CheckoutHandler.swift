import Contracts
import Foundation
import OrdersCore
import WorkerRuntime

/// The checkout saga's orchestrator, a batch at a time. Every step is guarded by the order's
/// status, so a redelivered event either does nothing or repeats only idempotent follow-ups.
///
/// ```
/// order.placed        → inventory.reserve
/// inventory.reserved  → pay → confirmed      → inventory.commit, cart.clear, email(order-confirmed)
///                           → payment_failed → inventory.release, email(payment-failed)
///                           → provider down  → retried with backoff (the attempt is recorded)
/// inventory.rejected  → rejected → email(order-rejected)
/// order.cancelled     → refund a captured charge, inventory.return, email(order-cancelled)
/// ```
///
/// A batch costs a few round trips whatever its size: its orders are read in two queries,
/// the `order.placed` events publish their reservations in one pipelined burst, and the
/// `inventory.reserved` events are charged in ONE transaction (one commit shared by every
/// order of the batch) whose follow-ups go out in one burst. Each message is still settled
/// on its own: an order that fails (provider down, a follow-up not confirmed) is retried alone.
struct CheckoutHandler: BatchWorkerHandler {
    let orders: OrderRepository
    let payment: OrderPayment

    func handle(_ batch: [BatchItem<CheckoutEvent>]) async throws -> BatchFailures {
        var failures = BatchFailures()
        let found = try await orders.find(ids: batch.map(\.message.orderId))
        var placed: [Step] = []
        var reserved: [Step] = []
        for (index, item) in batch.enumerated() {
            guard let order = found[item.message.orderId] else {
                failures.record(PermanentFailure("order \(item.message.orderId) does not exist"), at: index)
                continue
            }
            var context = item.context
            context.logger[metadataKey: "order.id"] = "\(order.id)"
            let step = Step(index: index, order: order, context: context)
            switch item.message {
            case .orderPlaced:
                placed.append(step)
            case .inventoryReserved:
                reserved.append(step)
            case .inventoryRejected(let rejection):
                await step.run(recordingFailureIn: &failures) { try await reject(order, reason: rejection.reason, context: context) }
            case .orderCancelled:
                await step.run(recordingFailureIn: &failures) { try await compensateCancellation(of: order, context: context) }
            }
        }
        await reserveStock(for: placed, failures: &failures)
        await payAndConfirm(reserved, failures: &failures)
        return failures
    }
}

/// One message of a batch with the order it is about.
struct Step: Sendable {
    /// Its index in the batch (what ``BatchFailures`` records).
    let index: Int
    let order: Order
    /// Its context, with the order id in the logger's metadata.
    let context: MessageContext

    /// Runs `body`, recording its error as this message's failure.
    func run(recordingFailureIn failures: inout BatchFailures, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            failures.record(error, at: index)
        }
    }
}
