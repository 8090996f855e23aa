import AsyncHTTPClient
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The real `gateway` executable on a free port, with a `config.json` of the test's own, so a
/// test can rewrite its config, signal it and read its memory.
final class GatewayProcess: Sendable {
    let port: Int
    let configFile: URL
    let process: WorkerProcess

    /// Starts the gateway with `config` (a `config.json` document) and waits until it answers `/health`.
    init(config: String, environment: [String: String] = [:]) async throws {
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-test-\(UUID().uuidString).json")
        try Data(config.utf8).write(to: configFile)
        port = try RedisTestServer.freePort()
        var settings = [
            "GATEWAY_CONFIG": configFile.path,
            "HTTP_PORT": "\(port)",
            "HTTP_HOST": "127.0.0.1",
            "JWT_SECRET": gatewayTestSecret,
            "OPENAPI_PATH": StackControl.repositoryRoot.appendingPathComponent("openapi.yaml").path,
            "GATEWAY_CONFIG_POLL_SECONDS": "1",
            "LOG_LEVEL": "info",
        ]
        settings.merge(environment) { _, new in new }
        process = try WorkerProcess("gateway", extraEnvironment: settings)
        try await waitUntilHealthy()
    }

    deinit {
        if process.isRunning {
            process.signal(SIGKILL)
        }
        try? FileManager.default.removeItem(at: configFile)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Replaces the config file's contents (atomically, as editors and `kubectl` do).
    func writeConfig(_ config: String) throws {
        try Data(config.utf8).write(to: configFile, options: .atomic)
    }

    /// Stops the gateway with SIGTERM and returns its exit status.
    func stop() async throws -> Int32 {
        process.signal(SIGTERM)
        return try await process.waitForExit(timeout: .seconds(30)).status
    }

    /// The gateway's resident memory now and at its peak since ``resetPeakMemory()``, in bytes.
    func memory() throws -> (resident: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/\(process.pid)/status", encoding: .utf8)
        func kilobytes(_ key: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(key) } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "0").map { $0 * 1024 } ?? 0
        }
        return (kilobytes("VmRSS:"), kilobytes("VmHWM:"))
    }

    /// Starts a new peak-memory measurement (`VmHWM` back to the current RSS).
    func resetPeakMemory() throws {
        try "5".write(toFile: "/proc/\(process.pid)/clear_refs", atomically: false, encoding: .utf8)
    }

    private func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw RedisTestSetupError(description: "the gateway exited:\n\(process.log)")
            }
            var request = HTTPClientRequest(url: "\(baseURL)/health")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RedisTestSetupError(description: "the gateway is not healthy after 60 s:\n\(process.log)")
    }
}
