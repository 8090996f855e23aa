/// The outcome of one ``ConnectionCommand/publish(_:deadline:_:)`` command: one result per
/// message, handed back when the last is known. Confined to the driver thread.
final class PublishBatch {
    private var results: [Result<Void, AMQPError>?]
    private var remaining: Int
    private let continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>

    init(count: Int, continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>) {
        results = Array(repeating: nil, count: count)
        remaining = count
        self.continuation = continuation
        if count == 0 { continuation.resume(returning: []) }
    }

    /// Records the outcome of message `index` (the first outcome wins).
    func settle(_ index: Int, _ result: Result<Void, AMQPError>) {
        guard results[index] == nil else { return }
        results[index] = result
        remaining -= 1
        if remaining == 0 {
            continuation.resume(returning: results.map { $0! })
        }
    }

    /// Fails every message not settled yet, from `index` on.
    func failUnsettled(from index: Int, with error: AMQPError) {
        for position in index..<results.count where results[position] == nil {
            settle(position, .failure(error))
        }
    }
}
