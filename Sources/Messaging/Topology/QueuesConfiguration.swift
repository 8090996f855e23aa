import Foundation

/// The queue topology and per-queue policy read from `queues.yaml`.
///
/// ```yaml
/// defaults:            # optional; every key optional, built-in defaults below
///   prefetch: 16       # 1...65535
///   concurrency: 8     # >= 1
///   maxAttempts: 5     # >= 1
///   deliveryLimit: 20  # >= 1
///   backoff: { initial: 1s, multiplier: 2, max: 1m, jitter: 0.2 }
///   batch: { size: 50, wait: 200ms }   # optional; `batch: null` in a queue turns it off
/// queues:
///   checkout: { prefetch: 32, concurrency: 16 }   # any key above overrides the default
///   clear-cart: {}
/// ```
/// Durations are a whole number and a unit: `250ms`, `1s`, `5m`, `1h`. Unknown keys are errors.
public struct QueuesConfiguration: Sendable {
    /// Every queue's policy, by queue name.
    public var queues: [String: QueuePolicy]

    /// The policies, by name.
    public init(queues: [String: QueuePolicy]) {
        self.queues = queues
    }

    /// Parses and validates a `queues.yaml` document.
    /// - Throws: ``QueuesConfigurationError`` naming the first offending key.
    public init(yaml: String) throws(QueuesConfigurationError) {
        self.queues = try QueuesYAMLParser.parse(yaml)
    }

    /// Reads, parses and validates a `queues.yaml` file.
    /// - Throws: ``QueuesConfigurationError`` (also when the file cannot be read).
    public init(contentsOfFile path: String) throws(QueuesConfigurationError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw QueuesConfigurationError(keyPath: "", problem: "cannot read \(path): \(error.localizedDescription)")
        }
        try self.init(yaml: text)
    }

    /// The policy of `queue`.
    /// - Throws: ``QueuesConfigurationError`` if `queues.yaml` does not define it.
    public func policy(for queue: String) throws(QueuesConfigurationError) -> QueuePolicy {
        guard let policy = queues[queue] else {
            throw QueuesConfigurationError(
                keyPath: "queues.\(queue)",
                problem: "no such queue in queues.yaml (defined: \(queues.keys.sorted().joined(separator: ", ")))"
            )
        }
        return policy
    }

    /// Every queue to declare for every policy, by queue name order.
    public var declarations: [QueueDeclaration] {
        queues.keys.sorted().flatMap { queues[$0]!.declarations }
    }
}
