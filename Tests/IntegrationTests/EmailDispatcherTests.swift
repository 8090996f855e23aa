import Contracts
import EmailsCore
import Foundation
import Mail
import Storage
import Synchronization
import Testing
import TestSupport

/// Batches of emails against the real email log (PostgreSQL), with an SMTP stand-in that
/// refuses the recipients it is told to: each email succeeds or fails on its own.
@Suite("Email dispatcher (PostgreSQL)")
struct EmailDispatcherTests {
    /// Records what it was asked to send; throws a transient ``MailError`` for the recipients in
    /// `refused`.
    final class FakeSMTP: Sendable {
        private let state = Mutex<(sent: [MailMessage], refused: Set<String>)>(([], []))

        func refuse(_ address: String?) { state.withLock { $0.refused = address.map { [$0] } ?? [] } }
        var sent: [MailMessage] { state.withLock { $0.sent } }

        func send(_ message: MailMessage) throws {
            try state.withLock { state in
                if let recipient = message.to.first?.address, state.refused.contains(recipient) {
                    throw MailError(.connectionFailed, message: "connection refused")
                }
                state.sent.append(message)
            }
        }
    }

    static func notice(_ key: String, to: String) -> SendEmail {
        SendEmail(idempotencyKey: key, to: to, template: .notice, variables: ["subject": .string("Hi \(key)"), "body": .string("Body")])
    }

    static func withDispatcher(_ body: @Sendable (EmailDispatcher, EmailLog, FakeSMTP) async throws -> Void) async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let log = EmailLog(database: database)
            let smtp = FakeSMTP()
            let dispatcher = EmailDispatcher(
                log: log, renderer: try EmailRenderer(), sender: MailAddress("shop@example.com", name: "Shop"), parallelSends: 2,
                send: { message in try smtp.send(message) }
            )
            try await body(dispatcher, log, smtp)
        }
    }

    @Test("one failing email of a batch: the others are sent and logged once, only it is retried, then sent")
    func oneFailingEmail() async throws {
        try await Self.withDispatcher { dispatcher, log, smtp in
            let keys = (0..<5).map { TestEnvironment.unique("batch-\($0)") }
            let requests = keys.enumerated().map { index, key in Self.notice(key, to: "user\(index)@example.com") }
            smtp.refuse("user2@example.com")

            let first = try await dispatcher.dispatch(requests)
            #expect(first.count == 5)
            var entryIds: [String: UUID] = [:]
            for (index, result) in first.enumerated() {
                if index == 2 {
                    guard case .failure(let error) = result else {
                        Issue.record("the refused email must fail, got \(result)")
                        continue
                    }
                    #expect(!error.isPermanent, "a refused connection is worth a retry")
                } else {
                    guard case .success(.sent(let id)) = result else {
                        Issue.record("email \(index) must be sent, got \(result)")
                        continue
                    }
                    entryIds[keys[index]] = id
                }
            }
            #expect(smtp.sent.count == 4)
            #expect(Set(smtp.sent.compactMap { $0.to.first?.address }) == ["user0@example.com", "user1@example.com", "user3@example.com", "user4@example.com"])
            for (key, id) in entryIds {
                let entry = try #require(try await log.find(id: id))
                #expect(entry.status == .sent, "\(key)")
                #expect(entry.attempts == 1)
                #expect(entry.sentAt != nil)
            }
            let failed = try #require(try await log.list(recipient: "user2@example.com", status: nil, offset: 0, limit: 100).entries.first {
                $0.idempotencyKey == keys[2]
            })
            #expect(failed.status == .failed)
            #expect(failed.lastError?.contains("connection refused") == true)

            // The broker redelivers the whole batch's failed message (and, say, a duplicate of a sent one).
            smtp.refuse(nil)
            let retry = try await dispatcher.dispatch([requests[2], requests[0]])
            guard case .success(.sent(let retriedId)) = retry[0] else {
                Issue.record("the retried email must be sent, got \(retry[0])")
                return
            }
            #expect(retriedId == failed.id, "a retry reuses the entry")
            let firstId = try #require(entryIds[keys[0]])
            #expect((try? retry[1].get()) == .alreadySent(entryId: firstId))
            #expect(smtp.sent.count == 5, "the sent email is not sent again")
            #expect(smtp.sent.last?.messageID == failed.messageId, "a retry keeps the Message-ID")
            let retried = try #require(try await log.find(id: failed.id))
            #expect(retried.status == .sent)
            #expect(retried.attempts == 2)
        }
    }

    @Test("a bad address fails for good without a log entry; a key twice in one batch is sent once")
    func badAddressAndRepeatedKey() async throws {
        try await Self.withDispatcher { dispatcher, log, smtp in
            let key = TestEnvironment.unique("twice")
            let bad = TestEnvironment.unique("bad")
            let results = try await dispatcher.dispatch([
                Self.notice(key, to: "twice@example.com"), Self.notice(bad, to: "not an address"), Self.notice(key, to: "twice@example.com"),
            ])
            guard case .success(.sent(let id)) = results[0] else {
                Issue.record("the first request must be sent, got \(results[0])")
                return
            }
            #expect((try? results[2].get()) == .alreadySent(entryId: id))
            guard case .failure(let error) = results[1] else {
                Issue.record("a bad address must fail, got \(results[1])")
                return
            }
            #expect(error.isPermanent)
            #expect(smtp.sent.count == 1)
            let logged = try await log.list(recipient: nil, status: nil, offset: 0, limit: 1000).entries
            #expect(logged.filter { $0.idempotencyKey == key }.count == 1)
            #expect(!logged.contains { $0.idempotencyKey == bad })
        }
    }

    @Test("one key in two batches at once (two messages, two replicas): sent once; the other waits, then finds it sent")
    func oneKeyInTwoBatchesAtOnce() async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let smtp = FakeSMTP()
            let (started, sending) = AsyncStream<Void>.makeStream()
            let (released, release) = AsyncStream<Void>.makeStream()
            let dispatcher = EmailDispatcher(
                log: EmailLog(database: database), renderer: try EmailRenderer(), sender: MailAddress("shop@example.com", name: "Shop"),
                send: { message in
                    sending.yield()
                    for await _ in released { break }  // held mid-send until the test lets it go
                    try smtp.send(message)
                }
            )
            let key = TestEnvironment.unique("shipped")
            let request = Self.notice(key, to: "once@example.com")

            async let firstBatch = dispatcher.dispatch([request])
            for await _ in started { break }  // the first batch holds the email and is sending it
            let second = try await dispatcher.dispatch([request])
            guard case .failure(let error) = second[0], case .inProgressElsewhere = error else {
                Issue.record("the second batch must leave the email to the first, got \(second[0])")
                return
            }
            #expect(!error.isPermanent, "the second message is retried")

            release.yield()
            let first = try await firstBatch
            guard case .success(.sent(let id)) = first[0] else {
                Issue.record("the first batch must send the email, got \(first[0])")
                return
            }
            let retried = try await dispatcher.dispatch([request])
            #expect((try? retried[0].get()) == .alreadySent(entryId: id))
            #expect(smtp.sent.count == 1, "the email was sent \(smtp.sent.count) times")
        }
    }

    @Test("a batch cut short by its deadline still marks what it sent, and frees what it did not send at once")
    func aCancelledBatchStillLogsItsSends() async throws {
        try await TestDatabase.withDatabase { database in
            try await Migrator(database: database).migrate(EmailsMigrations.schema)
            let log = EmailLog(database: database)
            let smtp = FakeSMTP()
            let (started, slowSendStarted) = AsyncStream<Void>.makeStream()
            let dispatcher = EmailDispatcher(
                log: log, renderer: try EmailRenderer(), sender: MailAddress("shop@example.com", name: "Shop"), parallelSends: 1,
                send: { message in
                    if message.to.first?.address.hasPrefix("slow") == true {
                        slowSendStarted.yield()
                        try await Task.sleep(for: .seconds(60))  // until the batch is cancelled
                    }
                    try smtp.send(message)
                }
            )
            let fast = TestEnvironment.unique("fast") + "@example.com"
            let slow = TestEnvironment.unique("slow") + "@example.com"
            let requests = [Self.notice(TestEnvironment.unique("fast"), to: fast), Self.notice(TestEnvironment.unique("slow"), to: slow)]

            // The worker runtime cancels the handler's task when its deadline passes.
            let batch = Task { try await dispatcher.dispatch(requests) }
            for await _ in started { break }  // the first email is sent, the second under way
            batch.cancel()
            _ = await batch.result

            let fastEntries = try await log.list(recipient: fast, status: nil, offset: 0, limit: 10).entries
            #expect(fastEntries.map(\.status) == [.sent], "an email sent before the deadline must be marked sent, or it is sent again")
            let slowEntries = try await log.list(recipient: slow, status: nil, offset: 0, limit: 10).entries
            #expect(slowEntries.map(\.status) == [.failed], "an email not sent must be free for its retry, not held for the lease")
            #expect(smtp.sent.map { $0.to.first?.address } == [fast])
        }
    }
}
