import Logging
import ServiceLifecycle

/// Runs `work` every `interval` until graceful shutdown (a sweeper, a cleaner). A failed run
/// is logged and the next one runs on schedule: periodic work never stops the process.
public struct PeriodicService: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    public init(name: String, interval: Duration, logger: Logger, work: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.interval = interval
        var logger = logger
        logger[metadataKey: "task"] = "\(name)"
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        logger.info("periodic task started", metadata: ["interval.ms": "\(interval.milliseconds)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                do {
                    try await work()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("periodic task failed; trying again next time", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
