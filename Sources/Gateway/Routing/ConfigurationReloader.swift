import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads `config.json` on `SIGHUP` and when the file changes (checked every `pollInterval`),
/// without dropping requests: a new table applies to requests that start after it. A file
/// that does not parse is refused, logged with what is wrong, and the routes in force stay.
struct ConfigurationReloader: Service {
    let path: String
    let environment: [String: String]
    let defaults: RouteDefaults
    let routes: LiveRouteTable
    /// `nil`: only `SIGHUP` reloads.
    let pollInterval: Duration?
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await _ in signals {
                        self.reload(trigger: "SIGHUP")
                    }
                }
                if let pollInterval {
                    group.addTask {
                        var lastSeen = self.fingerprint()
                        while (try? await Task.sleep(for: pollInterval)) != nil {
                            let now = self.fingerprint()
                            guard now != lastSeen else { continue }
                            lastSeen = now
                            self.reload(trigger: "file changed")
                        }
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// Parses the file and applies it, or keeps the current routes if it is invalid.
    /// Returns whether the new file was applied.
    @discardableResult
    func reload(trigger: String) -> Bool {
        do {
            let configuration = try GatewayConfiguration(contentsOfFile: path, environment: environment, defaults: defaults)
            guard configuration != routes.table.configuration else {
                logger.debug("config.json unchanged", metadata: ["trigger": "\(trigger)"])
                return true
            }
            routes.apply(configuration)
            routes.metrics.configReload(applied: true)
            logger.notice("config.json reloaded", metadata: ["trigger": "\(trigger)", "routes": "\(configuration.routes.count)"])
            return true
        } catch {
            routes.metrics.configReload(applied: false)
            logger.error("config.json refused; the routes in force stay", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
            return false
        }
    }

    /// What changes when the file is edited or replaced: its modification time and size.
    private func fingerprint() -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        return "\(modified)/\(size)/\(inode)"
    }
}
