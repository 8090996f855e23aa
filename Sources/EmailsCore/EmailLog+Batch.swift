import Foundation
import PostgresNIO
import Storage

extension EmailLog {
    /// One email about to be sent, as ``beginAttempts(_:messageDomain:)`` records it.
    public struct Attempt: Sendable, Hashable {
        public var idempotencyKey: String
        public var recipient: String
        public var template: String
        public var subject: String

        public init(idempotencyKey: String, recipient: String, template: String, subject: String) {
            self.idempotencyKey = idempotencyKey
            self.recipient = recipient
            self.template = template
            self.subject = subject
        }
    }

    /// What an attempt found in the log for its email.
    public enum AttemptStart: Sendable, Hashable {
        /// The attempt holds the email: a new entry, or one whose last attempt failed or was
        /// abandoned (begun more than the lease ago), its attempt count raised. Send it.
        case claimed(EmailLogEntry)
        /// An earlier attempt sent it: it must not be sent again.
        case sent(EmailLogEntry)
        /// Another attempt is sending it now (two messages with one key, handled at once by two
        /// batches or replicas): it is not sent twice; try again later.
        case inProgress(EmailLogEntry)

        public var entry: EmailLogEntry {
            switch self {
            case .claimed(let entry), .sent(let entry), .inProgress(let entry): entry
            }
        }
    }

    /// Records an attempt for each email, in ONE statement (one commit for the whole batch):
    /// a new entry on the first attempt, else the existing entry, taken over if its last attempt
    /// failed or was abandoned. Only an attempt that claims an email may send it, so two
    /// attempts of one key at the same time send it once. A key given twice is recorded once
    /// (the first). Returns what each key's attempt found.
    public func beginAttempts(_ attempts: [Attempt], messageDomain: String) async throws -> [String: AttemptStart] {
        var seen: Set<String> = []
        let unique = attempts.filter { seen.insert($0.idempotencyKey).inserted }
        guard !unique.isEmpty else { return [:] }
        let ids = unique.map { _ in UUID() }
        let messageIds = ids.map { "<\($0.uuidString.lowercased())@\(messageDomain)>" }
        let leaseSeconds = Double(attemptLease.components.seconds)
        // Rows are inserted in key order, so two batches that share keys take the unique
        // index's locks in the same order and cannot deadlock. The rows returned are the ones
        // this statement inserted or took over: those it claimed.
        let rows = try await database.query(
            """
            INSERT INTO emails.email_log (id, idempotency_key, recipient, template, subject, message_id, status, attempt_started_at)
            SELECT id, idempotency_key, recipient, template, subject, message_id, 'sending', now()
            FROM unnest(\(ids)::uuid[], \(unique.map(\.idempotencyKey))::text[], \(unique.map(\.recipient))::text[],
                        \(unique.map(\.template))::text[], \(unique.map(\.subject))::text[], \(messageIds)::text[])
                 AS a(id, idempotency_key, recipient, template, subject, message_id)
            ORDER BY idempotency_key
            ON CONFLICT (idempotency_key) DO UPDATE
                SET attempts = emails.email_log.attempts + 1, status = 'sending', attempt_started_at = now()
                WHERE emails.email_log.status = 'failed'
                   OR (emails.email_log.status = 'sending'
                       AND (emails.email_log.attempt_started_at IS NULL
                            OR emails.email_log.attempt_started_at < now() - make_interval(secs => \(leaseSeconds))))
            RETURNING \(unescaped: Self.columns)
            """)
        var found: [String: AttemptStart] = [:]
        for entry in try Self.entries(from: rows) {
            found[entry.idempotencyKey] = .claimed(entry)
        }
        // The others were sent already, or are being sent by another attempt.
        let others = unique.map(\.idempotencyKey).filter { found[$0] == nil }
        if !others.isEmpty {
            let rows = try await database.query(
                "SELECT \(unescaped: Self.columns) FROM emails.email_log WHERE idempotency_key = ANY(\(others))")
            for entry in try Self.entries(from: rows) {
                found[entry.idempotencyKey] = entry.status == .sent ? .sent(entry) : .inProgress(entry)
            }
        }
        for attempt in unique where found[attempt.idempotencyKey] == nil {
            throw EmailLogError.noRow(attempt.idempotencyKey)
        }
        return found
    }

    /// Marks the entries sent, in one statement.
    public func markSent(ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await database.query(
            "UPDATE emails.email_log SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY(\(ids))")
    }
}
