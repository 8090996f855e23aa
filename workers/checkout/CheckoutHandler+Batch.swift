import Contracts
import Foundation
import OrdersCore
import WorkerRuntime

/// The saga's hot steps for a whole batch: `order.placed` and `inventory.reserved`.
extension CheckoutHandler {
    /// Asks update-inventory to reserve the stock of every `pending` order, in one pipelined burst.
    func reserveStock(for steps: [Step], failures: inout BatchFailures) async {
        var messages: [(step: Step, message: any QueueMessage)] = []
        for step in steps {
            guard step.order.status == .pending else {
                step.context.logger.info(
                    "order already past reservation; nothing to do", metadata: ["order.status": "\(step.order.status.rawValue)"])
                continue
            }
            messages.append((step, ReserveInventory(orderId: step.order.id, lines: step.order.stockLines)))
        }
        await publish(messages, failures: &failures)
    }

    /// Charges the batch's reserved orders in one transaction, then sends on what each order
    /// is now, in one pipelined burst. If that transaction fails, each order is paid in a
    /// transaction of its own, so one order that cannot be processed never holds back the others.
    func payAndConfirm(_ steps: [Step], failures: inout BatchFailures) async {
        guard !steps.isEmpty else { return }
        let unpaid = steps.filter { $0.order.status == .pending || $0.order.status == .reserved }.map(\.order.id)
        let outcomes: [UUID: Result<OrderPayment.Outcome, PaymentProviderError>]
        do {
            outcomes = try await payment.chargeAfterReservation(orderIds: unpaid)
        } catch {
            guard steps.count > 1 else {
                failures.record(error, at: steps[0].index)
                return
            }
            steps[0].context.logger.warning(
                "the batch payment failed; paying order by order", metadata: ["error": "\(error)", "orders": "\(steps.count)"])
            for step in steps {
                await step.run(recordingFailureIn: &failures) { try await payAndConfirm(step.order, context: step.context) }
            }
            return
        }

        var paid: [Step] = []
        for step in steps {
            switch outcomes[step.order.id] {
            case .failure(let error):
                step.context.logger.warning("payment provider unavailable; the charge will be retried", metadata: ["error": "\(error)"])
                failures.record(error, at: step.index)
                continue
            case .success(.settled(let status)):
                step.context.logger.info("payment settled", metadata: ["order.status": "\(status.rawValue)"])
            case .success(.notReserved(let status)):
                step.context.logger.info("order no longer reserved; not charged", metadata: ["order.status": "\(status.rawValue)"])
            case nil:
                break
            }
            paid.append(step)
        }
        await followUp(paid, failures: &failures)
    }

    /// Sends on what each order is now (a redelivery repeats the idempotent follow-ups in case
    /// the first attempt stopped before the broker confirmed them): a concurrent delivery, a
    /// cancellation or the sweeper may have moved it first.
    private func followUp(_ steps: [Step], failures: inout BatchFailures) async {
        guard !steps.isEmpty else { return }
        let current: [UUID: Order]
        do {
            current = try await orders.find(ids: steps.map(\.order.id))
        } catch {
            for step in steps { failures.record(error, at: step.index) }
            return
        }
        var messages: [(step: Step, message: any QueueMessage)] = []
        for step in steps {
            guard let order = current[step.order.id] else { continue }
            await step.run(recordingFailureIn: &failures) {
                if let followUps = try followUps(of: order, context: step.context) {
                    messages += followUps.map { (step, $0) }
                } else {
                    try await compensateCancellation(of: order, context: step.context)
                }
            }
        }
        await publish(messages, failures: &failures)
    }

    /// Publishes each step's follow-ups, all pipelined, and fails the steps whose follow-ups
    /// the broker did not confirm.
    private func publish(_ messages: [(step: Step, message: any QueueMessage)], failures: inout BatchFailures) async {
        guard !messages.isEmpty else { return }
        let results = await MessageContext.publish(messages.map { ($0.step.context, $0.message) })
        for (message, result) in zip(messages, results) {
            if case .failure(let error) = result {
                failures.record(error, at: message.step.index)
            }
        }
    }
}
