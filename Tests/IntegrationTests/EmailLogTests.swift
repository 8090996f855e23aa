import EmailsCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("Email log (PostgreSQL)")
struct EmailLogTests {
    @Test func eachKeyIsOneEntryWithAStableMessageID() async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let log = EmailLog(database: database)
            let key = TestEnvironment.unique("order-confirmed")
            let first = try await log.beginAttempt(
                idempotencyKey: key, recipient: "a@example.com", template: "order-confirmed", subject: "S", messageDomain: "example.com"
            )
            #expect(first.status == .sending)
            #expect(first.attempts == 1)
            #expect(first.messageId.hasSuffix("@example.com>"))
            try await log.markFailed(id: first.id, reason: "connection refused")
            let second = try await log.beginAttempt(
                idempotencyKey: key, recipient: "a@example.com", template: "order-confirmed", subject: "S", messageDomain: "example.com"
            )
            #expect(second.id == first.id)
            #expect(second.messageId == first.messageId)
            #expect(second.attempts == 2)
            #expect(second.status == .sending)
            try await log.markSent(id: second.id)
            let third = try await log.beginAttempt(
                idempotencyKey: key, recipient: "a@example.com", template: "order-confirmed", subject: "S", messageDomain: "example.com"
            )
            #expect(third.status == .sent, "a sent email must be reported as sent, never resent")
            #expect(third.attempts == 2)
            let listed = try await log.list(recipient: "a@example.com", page: 1, limit: 100)
            #expect(listed.entries.filter { $0.idempotencyKey == key }.count == 1)
        }
    }
}
