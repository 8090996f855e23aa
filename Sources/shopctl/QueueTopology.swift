import Messaging

/// The role of a queue in one work queue's topology.
enum QueueRole: String, Codable, Sendable {
    /// The queue the worker consumes.
    case work
    /// A delay queue a failed message waits in before its next attempt.
    case retry
    /// Where messages that cannot succeed wait for an operator.
    case dead
}

/// One queue that a `queues.yaml` entry declares.
struct TopologyQueue: Sendable {
    /// The work queue it belongs to.
    var workQueue: String
    /// Its role there.
    var role: QueueRole
    /// How it is declared.
    var declaration: QueueDeclaration

    /// The queue's name.
    var name: String { declaration.name }
}

extension QueuePolicy {
    /// The queues of this policy in the order operators read them: the work queue, its
    /// retry queues (shortest delay first), then the dead-letter queue.
    var topology: [TopologyQueue] {
        [TopologyQueue(workQueue: name, role: .work, declaration: workDeclaration)]
            + retryDelays.map { TopologyQueue(workQueue: name, role: .retry, declaration: retryDeclaration(delay: $0)) }
            + [TopologyQueue(workQueue: name, role: .dead, declaration: deadLetterDeclaration)]
    }
}
