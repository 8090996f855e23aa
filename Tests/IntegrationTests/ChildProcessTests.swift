import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The test support's child processes: what they inherit from the test process.
@Suite("Child processes of the tests")
struct ChildProcessTests {
    /// A descriptor open in the test process without `O_CLOEXEC` (as NIO opens every socket)
    /// must not reach a child: a connection an in-process server closes would stay open in it.
    @Test func aChildInheritsOnlyTheStandardStreams() async throws {
        let devNull = open("/dev/null", O_RDONLY)
        try #require(devNull >= 0)
        defer { close(devNull) }
        let inheritable = fcntl(devNull, F_DUPFD, 200)  // a number no child opens on its own
        try #require(inheritable >= 200)
        defer { close(inheritable) }

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("child-fds-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        // `ls` lists its own descriptors: the inherited ones, plus the one it reads the directory with.
        let child = try ChildProcess(shell: "exec ls /proc/self/fd", environment: [:], outputFile: output)
        #expect(try await child.wait(timeout: .seconds(10)).status == 0)

        let listed = try String(contentsOfFile: output, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        #expect(listed.contains(0) && listed.contains(1) && listed.contains(2), "\(listed)")
        #expect(!listed.contains(inheritable), "the child inherited descriptor \(inheritable): \(listed)")
        #expect(listed.filter { $0 > 2 }.count <= 1, "the child inherited more than the standard streams: \(listed)")
    }
}
