import Foundation

/// An extra replica of one of the shop's executables, started by a test beside the test
/// stack's own (same settings, a free port), so the test can signal it and read how it ended.
public final class WorkerProcess: Sendable {
    public let name: String
    public let logFile: URL
    private let process: ChildProcess

    /// The folder with the built executables: beside the test bundle, or `SHOP_BIN_PATH`.
    public static var binDirectory: URL {
        get throws {
            if let path = ProcessInfo.processInfo.environment["SHOP_BIN_PATH"], !path.isEmpty {
                return URL(fileURLWithPath: path)
            }
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            if directory.lastPathComponent == "MacOS" || directory.pathExtension == "xctest" {
                directory = directory.deletingLastPathComponent()
            }
            guard FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("gateway").path) else {
                throw TestEnvironment.Missing(variable: "SHOP_BIN_PATH (no built executables next to \(CommandLine.arguments[0]))")
            }
            return directory
        }
    }

    /// Starts `name` (e.g. `checkout`) with the test's environment and `HTTP_PORT=0`.
    public init(_ name: String, extraEnvironment: [String: String] = [:]) throws {
        self.name = name
        let logFile = StackControl.logDirectory.appendingPathComponent("\(name)-test-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        self.logFile = logFile
        var environment = ProcessInfo.processInfo.environment
        environment["HTTP_PORT"] = "0"
        environment["LOG_FORMAT"] = "text"
        environment.merge(extraEnvironment) { _, new in new }
        let executable = try Self.binDirectory.appendingPathComponent(name).path
        self.process = try ChildProcess(
            shell: "'\(executable)'", directory: StackControl.repositoryRoot.path, environment: environment, outputFile: logFile.path
        )
    }

    public var pid: Int32 { process.pid }
    public var isRunning: Bool { process.isRunning }

    /// The log so far.
    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Waits until the log contains `text` (e.g. "consuming").
    public func waitForLog(_ text: String, timeout: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if log.contains(text) { return true }
            if !isRunning { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return log.contains(text)
    }

    /// The first line of the log that contains `text`, if any.
    public func logLine(containing text: String) -> String? {
        log.split(separator: "\n").first { $0.contains(text) }.map(String.init)
    }

    /// Sends `signal` (SIGTERM, SIGKILL...).
    public func signal(_ signal: Int32) {
        process.signal(signal)
    }

    /// Waits for the process to end and returns its exit status (or the signal that ended it).
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> (status: Int32, signaled: Bool) {
        try await process.wait(timeout: timeout)
    }
}
