#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A child process for tests, started with `posix_spawn` and reaped with `waitpid`, so its
/// end is seen reliably (Foundation's `Process` can miss the exit of a shell whose children
/// daemonise) and waiting never blocks a thread.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exitStatus` is only touched by the test that owns this value, one call at a time.
    public let pid: pid_t
    private var exitStatus: (status: Int32, signaled: Bool)?

    /// Runs `/bin/sh -c "cd <directory> && exec <command line>"` with `environment`, its output
    /// appended to `outputFile`.
    public init(shell commandLine: String, directory: String? = nil, environment: [String: String], outputFile: String) throws {
        let script = directory.map { "cd '\($0)' && exec \(commandLine)" } ?? commandLine
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 1, outputFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
        posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
        try InheritedDescriptors.closeAllButStandardStreams(in: &fileActions)

        let arguments = ["/bin/sh", "-c", script]
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }
        var pid = pid_t()
        let result = withCStrings(arguments) { argv in
            withCStrings(environmentLines) { envp in
                posix_spawn(&pid, "/bin/sh", &fileActions, nil, argv, envp)
            }
        }
        guard result == 0 else {
            throw StackControl.CommandFailed(command: commandLine, status: result, output: String(cString: strerror(result)))
        }
        self.pid = pid
    }

    /// The exit status once the process ended, `nil` while it runs.
    public func poll() -> (status: Int32, signaled: Bool)? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signaled = (status & 0x7f) != 0
        exitStatus = signaled ? (status & 0x7f, true) : ((status >> 8) & 0xff, false)
        return exitStatus
    }

    public var isRunning: Bool { poll() == nil }

    /// Waits until the process ends (polling), failing after `timeout`.
    public func wait(timeout: Duration) async throws -> (status: Int32, signaled: Bool) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = poll() { return status }
            try await Task.sleep(for: .milliseconds(50))
        }
        if let status = poll() { return status }
        throw StackControl.CommandFailed(command: "wait for pid \(pid)", status: -1, output: "still running after \(timeout)")
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    deinit {
        if poll() == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }
}

/// Calls `body` with `strings` as a NULL-terminated C array.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
