import Foundation
import Logging
import PostgresNIO
import Storage
import TestSupport

/// One PostgreSQL client to the test stack for the whole test run, for the few shortcuts a
/// real client cannot take (marking a test customer verified). One client, not one per call:
/// fifty customers made at once would otherwise open fifty connection pools.
enum StackDatabase {
    private static let shared: Result<Database, any Error> = Result {
        let configuration = try DatabaseConfiguration(url: try TestEnvironment.databaseURL, maximumConnections: 4)
        let client = PostgresClient(configuration: configuration.clientConfiguration)
        Task.detached { await client.run() }
        return Database(client: client, logger: TestDatabase.logger)
    }

    static var database: Database { get throws { try shared.get() } }

    /// Marks the user's email verified, as `POST /auth/verify-email` would.
    static func markVerified(userId: UUID) async throws {
        try await database.query("UPDATE accounts.users SET email_verified_at = now() WHERE id = \(userId)")
    }

    /// Makes every unused verification code of the user expired.
    static func expireVerificationCodes(userId: UUID) async throws {
        try await database.query(
            "UPDATE accounts.email_verifications SET expires_at = now() - interval '1 second' WHERE user_id = \(userId) AND used_at IS NULL")
    }
}
