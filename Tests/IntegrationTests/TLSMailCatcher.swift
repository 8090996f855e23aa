import Foundation
import TestSupport

/// A private mail catcher (`mailhog/catcher`, the test stack's SMTP server) speaking TLS: a
/// fresh self-signed certificate for `localhost` and 127.0.0.1 made with `openssl`, STARTTLS
/// offered on ``smtpPort``, implicit TLS on ``smtpsPort``, and AUTH accepting only
/// ``username`` / ``password``. Mail is read back through MailHog's API at ``apiURL``.
final class TLSMailCatcher {
    let username = "mailer"
    let password = "s3cret pass"
    let smtpPort: Int
    let smtpsPort: Int
    let apiURL: String
    /// The PEM certificate the server presents; trust it as the certificate authority.
    let certificateFile: String
    private let directory: String
    private let process: ChildProcess

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-catcher-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        certificateFile = "\(directory)/cert.pem"
        let log = "\(directory)/catcher.log"
        let environment = ["PATH": "/usr/bin:/bin", "PYTHONPATH": "\(StackControl.repositoryRoot.path)/mailhog",
                           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"]

        let openssl = try ChildProcess(
            shell: "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost"
                + " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout key.pem -out cert.pem",
            directory: directory, environment: environment, outputFile: log
        )
        guard try await openssl.wait(timeout: .seconds(30)) == (0, false) else {
            throw MailTestSetupError(description: "openssl could not make a test certificate: \(Self.read(log))")
        }

        let (process, ports) = try await Self.launch(in: directory, environment: environment, log: log,
                                                     login: "\(username):\(password)")
        (smtpPort, smtpsPort, apiURL, self.process) = (ports[0], ports[1], "http://127.0.0.1:\(ports[2])", process)
    }

    /// Starts the catcher on three free ports (SMTP, SMTPS, HTTP) and waits until all accept
    /// connections. Free ports are only free when asked: if another process takes one first,
    /// the catcher exits, and it is started again on new ones.
    private static func launch(in directory: String, environment: [String: String], log: String, login: String) async throws -> (ChildProcess, [Int]) {
        for _ in 1...3 {
            let ports = try (0..<3).map { _ in try RedisTestServer.freePort() }
            let process = try ChildProcess(
                shell: "/usr/bin/python3 -m catcher 127.0.0.1:\(ports[0]) 127.0.0.1:\(ports[2]) --tls-cert cert.pem"
                    + " --tls-key key.pem --smtps 127.0.0.1:\(ports[1]) --auth '\(login)'",
                directory: directory, environment: environment, outputFile: log
            )
            let deadline = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < deadline, !ports.allSatisfy(RedisTestServer.accepts(port:)) {
                try await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning, ports.allSatisfy(RedisTestServer.accepts(port:)) { return (process, ports) }
            process.signal(SIGKILL)
        }
        throw MailTestSetupError(description: "the TLS mail catcher did not start: \(read(log))")
    }

    deinit {
        process.signal(SIGTERM)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func read(_ file: String) -> String {
        (try? String(contentsOfFile: file, encoding: .utf8)) ?? "(no output)"
    }
}
