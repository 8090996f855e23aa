import NIOCore
import PostgresNIO
import Synchronization

/// Fails an operation on a connection as soon as that connection closes, instead of letting
/// it wait forever.
///
/// Why: postgres-nio 1.33 hands a query to its channel with `channel.write(…, promise: nil)`.
/// When the server closes the connection at that moment (a PostgreSQL restart terminates
/// every session), the query can be dropped without its promise ever completing, and the
/// caller waits forever, holding its pool lease: the pool shrinks by one connection for each
/// such query. The test suite reproduces it by restarting PostgreSQL under load.
///
/// The guard runs the operation in a task of its own and, while it runs longer than a
/// second, checks every 100 ms whether the connection closed. If it did, the caller gets
/// ``DatabaseError/connectionClosed``, its lease goes back to the pool (which drops the
/// closed connection), and the operation's task is cancelled and abandoned: if postgres-nio
/// never answers it, that one suspended task is all that leaks. This unstructured task is
/// deliberate and the only one in the code base: structured concurrency cannot return before
/// a child that ignores cancellation. (Polling, not the connection's close future: a callback
/// per query on a long-lived connection's close future would pile up until it closes.)
enum ClosedConnectionGuard {
    static func run<Result: Sendable>(
        on connection: PostgresConnection,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let race = Race<Result>()
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Result?.self) { group in
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        race.begin(continuation)
                        race.attach(
                            Task {
                                do {
                                    race.finish(.success(try await operation()))
                                } catch {
                                    race.finish(.failure(error))
                                }
                            }
                        )
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(1))
                    while !connection.isClosed {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    if race.finish(.failure(DatabaseError.connectionClosed)) {
                        race.cancelOperation()
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw DatabaseError.connectionClosed
            }
        } onCancel: {
            race.cancelOperation()
        }
    }

    /// The first result wins; later ones are dropped.
    final class Race<Result: Sendable>: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Result, any Error>?, task: Task<Void, Never>?, cancelled: Bool)>(
            (nil, nil, false)
        )

        func begin(_ continuation: CheckedContinuation<Result, any Error>) {
            state.withLock { $0.continuation = continuation }
        }

        func attach(_ task: Task<Void, Never>) {
            let cancelNow = state.withLock { state in
                state.task = task
                return state.cancelled
            }
            if cancelNow { task.cancel() }
        }

        /// Resumes the caller with `result` unless it was resumed before; says whether it was this call.
        @discardableResult
        func finish(_ result: Swift.Result<Result, any Error>) -> Bool {
            guard let continuation = state.withLock({ state -> CheckedContinuation<Result, any Error>? in
                defer { state.continuation = nil }
                return state.continuation
            }) else { return false }
            continuation.resume(with: result)
            return true
        }

        func cancelOperation() {
            let task = state.withLock { state in
                state.cancelled = true
                return state.task
            }
            task?.cancel()
        }
    }
}

/// The database could not do what was asked.
public enum DatabaseError: Error, CustomStringConvertible, Equatable {
    /// The connection closed while the operation ran (a server restart, a network failure):
    /// it may or may not have taken effect. Retry.
    case connectionClosed

    public var description: String {
        switch self {
        case .connectionClosed: "the connection to PostgreSQL closed while the operation ran"
        }
    }
}
