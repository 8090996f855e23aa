/// A problem in `queues.yaml`, naming the key path and what is wrong, e.g.
/// `queues.checkout.backoff.initial: expected a duration like 250ms, 1s or 5m, got 'soon'`.
public struct QueuesConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, as dotted keys from the document's root (`defaults.prefetch`).
    public var keyPath: String
    /// What is wrong there.
    public var problem: String

    /// An error at `keyPath`.
    public init(keyPath: String, problem: String) {
        self.keyPath = keyPath
        self.problem = problem
    }

    public var description: String {
        keyPath.isEmpty ? problem : "\(keyPath): \(problem)"
    }
}
