internal import CAMQPShims
import Glibc

/// An eventfd the driver thread polls beside the AMQP socket, so a submitted command or a
/// shutdown request wakes it at once instead of at its next poll timeout.
final class WakeUpSignal: Sendable {
    /// The eventfd; readable while a signal is pending.
    let descriptor: Int32

    init() {
        let descriptor = shop_amqp_wakeup_fd()
        precondition(descriptor >= 0, "eventfd failed: errno \(errno)")
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Wakes the thread (signals coalesce until cleared).
    func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Clears pending signals; called by the thread after it wakes.
    func clear() {
        var count: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &count) { read(descriptor, $0.baseAddress, $0.count) }
    }
}
