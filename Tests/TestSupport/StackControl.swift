import Foundation

/// Controls the test stack from a test: stop, start and restart its servers and processes
/// through `scripts/stack` (`SHOP_STACK_COMMAND`, set by scripts/test), and find its files.
public enum StackControl {
    /// The repository's root folder.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public struct CommandFailed: Error, CustomStringConvertible {
        public var command: String
        public var status: Int32
        public var output: String
        public var description: String { "`\(command)` exited with \(status):\n\(output)" }
    }

    /// Runs `scripts/stack <the test stack> <arguments>` and waits for it.
    public static func run(_ arguments: String) async throws {
        let base = try TestEnvironment.require("SHOP_STACK_COMMAND")
        try await shell("\(base) \(arguments)")
    }

    /// Runs a shell command line, failing with its output when it fails.
    public static func shell(_ commandLine: String, timeout: Duration = .seconds(300)) async throws {
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: outputFile) }
        let child = try ChildProcess(shell: commandLine, environment: ProcessInfo.processInfo.environment, outputFile: outputFile)
        let (status, _) = try await child.wait(timeout: timeout)
        guard status == 0 else {
            let text = (try? String(contentsOfFile: outputFile, encoding: .utf8)) ?? ""
            throw CommandFailed(command: commandLine, status: status, output: text)
        }
    }

    /// The stack's folder (`SHOP_STACK_DIR`, set by `scripts/stack`; `.stack/test` without it).
    public static var stackDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["SHOP_STACK_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".stack/test")
    }

    /// The pid of a process of the stack (`checkout`, `gateway`...), from its pid file.
    public static func pid(of process: String) throws -> Int32 {
        let file = stackDirectory.appendingPathComponent("run/\(process).pid")
        let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = Int32(text) else {
            throw CommandFailed(command: "read \(file.path)", status: -1, output: text)
        }
        return pid
    }

    /// Where the stack's processes write their logs.
    public static var logDirectory: URL {
        stackDirectory.appendingPathComponent("logs")
    }
}
