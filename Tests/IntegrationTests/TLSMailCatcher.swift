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

        smtpPort = try RedisTestServer.freePort()
        smtpsPort = try RedisTestServer.freePort()
        let httpPort = try RedisTestServer.freePort()
        apiURL = "http://127.0.0.1:\(httpPort)"
        process = try ChildProcess(
            shell: "/usr/bin/python3 -m catcher 127.0.0.1:\(smtpPort) 127.0.0.1:\(httpPort) --tls-cert cert.pem"
                + " --tls-key key.pem --smtps 127.0.0.1:\(smtpsPort) --auth '\(username):\(password)'",
            directory: directory, environment: environment, outputFile: log
        )
        let deadline = ContinuousClock.now + .seconds(30)
        while !(RedisTestServer.accepts(port: smtpPort) && RedisTestServer.accepts(port: smtpsPort) && RedisTestServer.accepts(port: httpPort)) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw MailTestSetupError(description: "the TLS mail catcher did not start: \(Self.read(log))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    deinit {
        process.signal(SIGTERM)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func read(_ file: String) -> String {
        (try? String(contentsOfFile: file, encoding: .utf8)) ?? "(no output)"
    }
}
