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

        var confirmed: [Step] = []
        var others: [Step] = []
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
            if case .success(.settled(.confirmed)) = outcomes[step.order.id] {
                confirmed.append(step)
            } else {
                others.append(step)
            }
        }
        await followUp(confirmed: confirmed, others: others, failures: &failures)
    }

    /// Sends on what each order is now (a redelivery repeats the idempotent follow-ups in case
    /// the first attempt stopped before the broker confirmed them). The orders this batch just
    /// confirmed are known (the charge held their rows); the others are read again, since a
    /// concurrent delivery, a cancellation or the sweeper may have moved them first.
    private func followUp(confirmed: [Step], others: [Step], failures: inout BatchFailures) async {
        var current: [UUID: Order] = [:]
        for step in confirmed {
            var order = step.order
            order.dto.status = .confirmed
            order.dto.statusReason = "paid"
            current[order.id] = order
        }
        if !others.isEmpty {
            do {
                current.merge(try await orders.find(ids: others.map(\.order.id))) { _, read in read }
            } catch {
                for step in others { failures.record(error, at: step.index) }
            }
        }
        var messages: [(step: Step, message: any QueueMessage)] = []
        for step in confirmed + others {
            guard let order = current[step.order.id], failures.errors[step.index] == nil else { continue }
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
