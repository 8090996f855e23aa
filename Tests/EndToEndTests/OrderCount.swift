import Foundation
import PostgresNIO
import TestSupport

/// Reads the orders table directly, to prove that a refused request wrote nothing.
enum OrderCount {
    static func of(userId: UUID) async throws -> Int {
        try await TestDatabase.withClient { client in
            let rows = try await client.query("SELECT count(*)::int FROM orders.orders WHERE user_id = \(userId)")
            for try await count in rows.decode(Int.self) {
                return count
            }
            return 0
        }
    }
}
