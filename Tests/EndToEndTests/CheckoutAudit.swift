import Contracts
import Foundation
import PostgresNIO
import Storage
import Testing
import TestSupport

/// After a disrupted load: every order ends final, nothing happened twice, stock adds up.
enum CheckoutAudit {
    struct Summary {
        var confirmed: Int
        var rejected: Int
        var failed: Int
    }

    static func verify(_ load: CheckoutLoad, attempts: [CheckoutLoad.Attempt], finalWithin timeout: Duration = .seconds(180)) async throws -> Summary {
        let orderIds = attempts.compactMap { attempt -> UUID? in
            if case .accepted(let id) = attempt { return id }
            return nil
        }
        let userIds = load.customers.map(\.user.id)
        let productId = load.product.id
        return try await TestDatabase.withDatabase { database in
            // 1. Every order (accepted or refused) reaches a final status.
            let settled = try await APIClient.eventually(timeout: timeout, interval: .milliseconds(500)) { () async throws -> Bool? in
                let rows = try await database.query(
                    "SELECT count(*)::int FROM orders.orders WHERE user_id = ANY(\(userIds)) AND status IN ('pending', 'reserved')"
                )
                for open in try rows.decode(Int.self) where open == 0 { return true }
                return nil
            }
            try #require(settled == true, "orders were still open after \(timeout)")

            var statuses: [String: Int] = [:]
            let statusRows = try await database.query(
                "SELECT status, count(*)::int FROM orders.orders WHERE user_id = ANY(\(userIds)) GROUP BY status"
            )
            for (status, count) in try statusRows.decode((String, Int).self) { statuses[status] = count }
            let summary = Summary(confirmed: statuses["confirmed"] ?? 0, rejected: statuses["rejected"] ?? 0, failed: statuses["failed"] ?? 0)

            // 2. Every accepted checkout has its order; a refused one left nothing half done.
            let acceptedRows = try await database.query("SELECT count(*)::int FROM orders.orders WHERE id = ANY(\(orderIds))")
            for count in try acceptedRows.decode(Int.self) {
                #expect(count == orderIds.count, "accepted orders are missing")
            }
            #expect(statuses.keys.allSatisfy { ["confirmed", "rejected", "failed"].contains($0) }, "unexpected statuses \(statuses)")

            // 3. Nothing happened twice: one confirmation per order, one reservation per order.
            let twiceConfirmed = try await database.query(
                """
                SELECT count(*)::int FROM (SELECT order_id FROM orders.order_status_history
                WHERE order_id = ANY(\(orderIds)) AND to_status = 'confirmed' GROUP BY order_id HAVING count(*) > 1) twice
                """
            )
            for count in try twiceConfirmed.decode(Int.self) { #expect(count == 0, "orders confirmed twice") }
            let twiceReserved = try await database.query(
                """
                SELECT count(*)::int FROM (SELECT order_id FROM catalog.inventory_ledger
                WHERE product_id = \(productId) AND kind = 'reserve' GROUP BY order_id HAVING count(*) > 1) twice
                """
            )
            for count in try twiceReserved.decode(Int.self) { #expect(count == 0, "stock reserved twice for one order") }

            // 4. Stock adds up: what is gone is exactly what confirmed orders bought, nothing stays held.
            let stock = try await APIClient.eventually(timeout: .seconds(60), interval: .milliseconds(500)) { () async throws -> (Int, Int)? in
                let rows = try await database.query("SELECT available, reserved FROM catalog.inventory WHERE product_id = \(productId)")
                for (available, reserved) in try rows.decode((Int, Int).self) where reserved == 0 {
                    return (available, reserved)
                }
                return nil
            }
            let (available, _) = try #require(stock, "stock stayed reserved")
            #expect(available == load.initialStock - summary.confirmed, "available \(available), confirmed \(summary.confirmed)")
            #expect(available >= 0)

            // 5. Each confirmed order's email is sent exactly once.
            let keys = orderIds.map { "order-confirmed:\($0.uuidString)" }
            let emails = try await APIClient.eventually(timeout: .seconds(60), interval: .milliseconds(500)) { () async throws -> Int? in
                let rows = try await database.query(
                    "SELECT count(*)::int FROM emails.email_log WHERE idempotency_key = ANY(\(keys)) AND status = 'sent'"
                )
                for count in try rows.decode(Int.self) where count == summary.confirmed { return count }
                return nil
            }
            #expect(emails == summary.confirmed, "confirmation emails: \(emails ?? -1) of \(summary.confirmed)")
            return summary
        }
    }
}
