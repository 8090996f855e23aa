import Foundation
import PostgresNIO
import TestSupport

/// Reads the orders table directly, to prove that a refused request wrote nothing.
enum OrderCount {
    static func of(userId: UUID) async throws -> Int {
        try await TestDatabase.withDatabase { database in
            let rows = try await database.query("SELECT count(*)::int FROM orders.orders WHERE user_id = \(userId)")
            for count in try rows.decode(Int.self) {
                return count
            }
            return 0
        }
    }
}
