import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A private `redis-server` process on a free port, for tests that kill and restart Redis
/// without disturbing the shared test server. Not persisted; removed when stopped.
///
/// Spawned with `posix_spawn` and reaped with `waitpid` rather than Foundation's `Process`, whose
/// `waitUntilExit` spins when several tests call it concurrently.
final class RedisTestServer {
    /// Read it after ``start()``: a first start moves to another free port if the one chosen
    /// was taken in between (free ports are ephemeral ports, and the suites open many sockets).
    private(set) var port: Int
    let password: String?
    private let executable: String
    private let directory: String
    private var pid: pid_t?
    private var hasStarted = false

    init(password: String? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        let candidates = [environment["REDIS_SERVER"]].compactMap { $0 }
            + (environment["PATH"] ?? "/usr/bin").split(separator: ":").map { "\($0)/redis-server" }
            + ["/usr/bin/redis-server", "/usr/sbin/redis-server"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw RedisTestSetupError(description: "redis-server not found (install redis-server or set REDIS_SERVER); run scripts/test")
        }
        self.executable = executable
        self.password = password
        self.port = try Self.freePort()
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("redisstore-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts the server (again, on the same port) and waits until it accepts connections.
    func start() throws {
        var attempt = 1
        while true {
            do {
                try launch()
                hasStarted = true
                return
            } catch is RedisTestSetupError where !hasStarted && attempt < 3 && portWasTaken() {
                attempt += 1
                port = try Self.freePort()
            }
        }
    }

    /// Whether the last launch failed because something else listened on the port.
    private func portWasTaken() -> Bool {
        let log = (try? String(contentsOfFile: "\(directory)/redis.log", encoding: .utf8)) ?? ""
        return log.contains("Address already in use")
    }

    private func launch() throws {
        var arguments = [
            executable, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--daemonize", "no", "--logfile", "\(directory)/redis.log",
        ]
        if let password { arguments += ["--requirepass", password] }
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The child must not inherit this process's blocked or ignored signals (the test runner's
        // threads block some), or the server could not be stopped with a signal.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        try InheritedDescriptors.closeAllButStandardStreams(in: &fileActions)
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &fileActions, &attributes, argv, environ)
        guard status == 0 else {
            throw RedisTestSetupError(description: "cannot start \(executable): posix_spawn returned \(status)")
        }
        pid = child
        let deadline = ContinuousClock.now + .seconds(10)
        while !Self.accepts(port: port) {
            var exitStatus: Int32 = 0
            guard ContinuousClock.now < deadline, waitpid(child, &exitStatus, WNOHANG) == 0 else {
                pid = nil
                throw RedisTestSetupError(description: "redis-server on port \(port) did not start (see \(directory)/redis.log)")
            }
            usleep(20_000)
        }
    }

    /// Kills the server abruptly (SIGKILL), as a crash would.
    func kill() {
        signalAndReap(SIGKILL)
    }

    /// Stops the server if it runs (SIGKILL too: nothing is persisted, and it cannot hang).
    func stop() {
        signalAndReap(SIGKILL)
    }

    private func signalAndReap(_ signal: Int32) {
        guard let pid else { return }
        Glibc.kill(pid, signal)
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        self.pid = nil
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RedisTestSetupError(description: "socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw RedisTestSetupError(description: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                connect(fd, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
