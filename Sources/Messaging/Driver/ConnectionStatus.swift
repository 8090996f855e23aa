import Synchronization

/// What callers may read about the driver thread's connection without asking the thread.
final class ConnectionStatus: Sendable {
    private let connected = Atomic<Bool>(false)
    private let connects = Atomic<Int>(0)

    /// Whether the connection is up, with its channels, declarations and consumers restored.
    var isConnected: Bool { connected.load(ordering: .acquiring) }

    /// How many times a connection was established.
    var connectionCount: Int { connects.load(ordering: .acquiring) }

    func markConnected() {
        connects.add(1, ordering: .releasing)
        connected.store(true, ordering: .releasing)
    }

    func markDisconnected() {
        connected.store(false, ordering: .releasing)
    }
}
