import Contracts
import Messaging

/// How the runtime calls a handler with what it received: one delivery at a time
/// (``WorkerHandler``) or a batch (``BatchWorkerHandler``). Returns one result per delivery.
protocol HandlerInvoker: Sendable {
    /// Whether the handler takes batches.
    var takesBatches: Bool { get }
    func invoke(_ deliveries: [Delivery], contexts: [MessageContext]) async -> [Result<Void, any Error>]
}

/// Calls a ``WorkerHandler`` on each delivery (the runtime hands it one at a time).
struct SingleMessageInvoker<Handler: WorkerHandler>: HandlerInvoker {
    let handler: Handler
    var takesBatches: Bool { false }

    func invoke(_ deliveries: [Delivery], contexts: [MessageContext]) async -> [Result<Void, any Error>] {
        var results: [Result<Void, any Error>] = []
        for (delivery, context) in zip(deliveries, contexts) {
            do {
                let message = try Handler.Message.decode(type: delivery.properties.type, body: delivery.body)
                try await handler.handle(message, context: context)
                results.append(.success(()))
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}

/// Calls a ``BatchWorkerHandler`` once with every delivery that decodes; the ones that do not
/// fail on their own without reaching the handler.
struct BatchInvoker<Handler: BatchWorkerHandler>: HandlerInvoker {
    let handler: Handler
    var takesBatches: Bool { true }

    func invoke(_ deliveries: [Delivery], contexts: [MessageContext]) async -> [Result<Void, any Error>] {
        var results = [Result<Void, any Error>](repeating: .success(()), count: deliveries.count)
        var items: [BatchItem<Handler.Message>] = []
        var positions: [Int] = []
        for (index, (delivery, context)) in zip(deliveries, contexts).enumerated() {
            do {
                let message = try Handler.Message.decode(type: delivery.properties.type, body: delivery.body)
                items.append(BatchItem(message: message, context: context))
                positions.append(index)
            } catch {
                results[index] = .failure(error)
            }
        }
        guard !items.isEmpty else { return results }
        do {
            let failures = try await handler.handle(items)
            for (itemIndex, error) in failures.errors where positions.indices.contains(itemIndex) {
                results[positions[itemIndex]] = .failure(error)
            }
        } catch {
            for position in positions {
                results[position] = .failure(error)
            }
        }
        return results
    }
}
