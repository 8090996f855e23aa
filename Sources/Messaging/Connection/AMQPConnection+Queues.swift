/// Declaring and managing queues.
extension AMQPConnection {
    /// Declares `queues` (durable, not exclusive, not auto-delete) and remembers them: they
    /// are declared again after every reconnect, before consumers resume.
    /// - Throws: ``AMQPError/channelClosed(code:text:)`` (406) when a queue exists with other
    ///   arguments; the queues before it in the list were declared.
    public func declare(_ queues: [QueueDeclaration]) async throws {
        guard !queues.isEmpty else { return }
        let deadline = commandDeadline()
        let _: Void = try await perform { .declare(queues, deadline: deadline, $0) }
    }

    /// The queue's ready-message and consumer counts (a passive declare), or nil if it does not exist.
    public func queueState(_ name: String) async throws -> QueueState? {
        let deadline = commandDeadline()
        return try await perform { .queueState(name, deadline: deadline, $0) }
    }

    /// Removes every ready message from `queue` and returns how many there were.
    public func purge(queue: String) async throws -> Int {
        let deadline = commandDeadline()
        return try await perform { .purge(queue, deadline: deadline, $0) }
    }

    /// Deletes `name` with its messages (and forgets its declaration); deleting a missing
    /// queue succeeds.
    public func deleteQueue(_ name: String) async throws {
        let deadline = commandDeadline()
        let _: Void = try await perform { .deleteQueue(name, deadline: deadline, $0) }
    }

    /// Takes one message from `queue` (`basic.get`), or nil if it is empty. Settle it with
    /// ``ack(_:)`` or ``reject(_:requeue:)``; unsettled, it returns to the queue when the
    /// connection closes. For tools such as DLQ inspection, not for workers.
    /// - Throws: ``AMQPError/channelClosed(code:text:)`` (404) if the queue does not exist.
    public func get(queue: String) async throws -> Delivery? {
        let deadline = commandDeadline()
        return try await perform { .get(queue, deadline: deadline, $0) }
    }
}
