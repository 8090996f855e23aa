import Configuration
import Foundation
import ServiceKit

/// How a worker process runs, beyond its queue's policy in `queues.yaml`.
public struct WorkerSettings: Sendable {
    /// How long one handler call may take before it counts as failed (`HANDLER_TIMEOUT_SECONDS`, default 60).
    public var handlerTimeout: Duration
    /// How long a graceful shutdown waits for handlers in flight (`SHUTDOWN_GRACE_SECONDS`, default 10).
    public var shutdownGracePeriod: Duration
    /// `<queue>@<host>:<pid>`: who dead-lettered a message.
    public var workerName: String

    public init(handlerTimeout: Duration, shutdownGracePeriod: Duration, workerName: String) {
        self.handlerTimeout = handlerTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.workerName = workerName
    }

    public init(queue: String, config: ConfigReader) throws(SettingsError) {
        self.handlerTimeout = .seconds(try config.integer("handler.timeoutSeconds", default: 60, in: 1...3600))
        self.shutdownGracePeriod = .seconds(try config.integer("shutdown.graceSeconds", default: 10, in: 0...600))
        self.workerName = "\(queue)@\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}
