import EmailsCore
import Foundation
import Storage
import Testing
import TestSupport

@Suite("Email log (PostgreSQL)")
struct EmailLogTests {
    static func attempt(_ key: String) -> EmailLog.Attempt {
        EmailLog.Attempt(idempotencyKey: key, recipient: "a@example.com", template: "order-confirmed", subject: "S")
    }

    /// One attempt at `key`: what it found.
    static func begin(_ key: String, on log: EmailLog) async throws -> EmailLog.AttemptStart {
        try #require(try await log.beginAttempts([attempt(key)], messageDomain: "example.com")[key])
    }

    @Test func eachKeyIsOneEntryWithAStableMessageID() async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let log = EmailLog(database: database)
            let key = TestEnvironment.unique("order-confirmed")
            guard case .claimed(let first) = try await Self.begin(key, on: log) else {
                Issue.record("a first attempt claims the email")
                return
            }
            #expect(first.status == .sending)
            #expect(first.attempts == 1)
            #expect(first.messageId.hasSuffix("@example.com>"))
            try await log.markFailed(id: first.id, reason: "connection refused")
            guard case .claimed(let second) = try await Self.begin(key, on: log) else {
                Issue.record("an attempt after a failed one claims the email")
                return
            }
            #expect(second.id == first.id)
            #expect(second.messageId == first.messageId)
            #expect(second.attempts == 2)
            #expect(second.status == .sending)
            try await log.markSent(ids: [second.id])
            let third = try await Self.begin(key, on: log)
            #expect(third == .sent(third.entry), "a sent email must be reported as sent, never resent")
            #expect(third.entry.attempts == 2)
            let listed = try await log.list(recipient: "a@example.com", page: 1, limit: 100)
            #expect(listed.entries.filter { $0.idempotencyKey == key }.count == 1)
        }
    }

    /// Two messages with one key, handled at the same time by two batches (or replicas): only
    /// one attempt may send; the other waits, unless the first has held it past the lease.
    @Test func anEmailBeingSentIsHeldByItsAttemptUntilTheLeaseEnds() async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let log = EmailLog(database: database, attemptLease: .seconds(1))
            let key = TestEnvironment.unique("order-shipped")
            guard case .claimed(let held) = try await Self.begin(key, on: log) else {
                Issue.record("a first attempt claims the email")
                return
            }
            let meanwhile = try await Self.begin(key, on: log)
            #expect(meanwhile == .inProgress(held), "a second attempt while the first sends must not claim it")

            // Both at once, in one statement each, on a key nobody holds: exactly one claims it.
            let contested = TestEnvironment.unique("contested")
            async let one = Self.begin(contested, on: log)
            async let other = Self.begin(contested, on: log)
            let outcomes = try await [one, other]
            #expect(outcomes.filter { if case .claimed = $0 { true } else { false } }.count == 1, "\(outcomes)")

            // The holder died without a word: after the lease, the next attempt takes it over.
            try await Task.sleep(for: .milliseconds(1_200))
            guard case .claimed(let takenOver) = try await Self.begin(key, on: log) else {
                Issue.record("an attempt held past the lease is taken over")
                return
            }
            #expect(takenOver.id == held.id && takenOver.messageId == held.messageId)
            #expect(takenOver.attempts == 2)
        }
    }
}
