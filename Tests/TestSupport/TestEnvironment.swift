import Foundation

/// The addresses of the test stack, from the environment `scripts/test` sets.
/// A missing variable fails the test with instructions, never skips it.
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public var variable: String

        public init(variable: String) {
            self.variable = variable
        }

        public var description: String {
            "\(variable) is not set: run the tests with scripts/test, which starts the test stack and sets it"
        }
    }

    public static func require(_ variable: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw Missing(variable: variable)
        }
        return value
    }

    public static var gatewayURL: String { get throws { try require("GATEWAY_URL") } }
    public static var mailhogURL: String { get throws { try require("MAILHOG_URL") } }
    public static var databaseURL: String { get throws { try require("DATABASE_URL") } }
    public static var redisURL: String { get throws { try require("REDIS_URL") } }
    public static var amqpURL: String { get throws { try require("AMQP_URL") } }
    public static var smtpURL: String { get throws { try require("SMTP_URL") } }

    /// A unique suffix for names a test creates, so tests never collide.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
