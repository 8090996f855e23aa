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

    /// Records an attempt for each email, in ONE statement (one commit for the whole batch),
    /// exactly as ``beginAttempt(idempotencyKey:recipient:template:subject:messageDomain:)``
    /// does for one: a new entry on the first attempt; on a later one the existing entry with
    /// its attempt count raised, unless it was already sent (the caller must then not resend).
    /// Returns the entries by idempotency key; a key given twice is recorded once (the first).
    public func beginAttempts(_ attempts: [Attempt], messageDomain: String) async throws -> [String: EmailLogEntry] {
        var seen: Set<String> = []
        let unique = attempts.filter { seen.insert($0.idempotencyKey).inserted }
        guard !unique.isEmpty else { return [:] }
        let ids = unique.map { _ in UUID() }
        let messageIds = ids.map { "<\($0.uuidString.lowercased())@\(messageDomain)>" }
        // Rows are inserted in key order, so two batches that share keys take the unique
        // index's locks in the same order and cannot deadlock.
        let rows = try await database.query(
            """
            INSERT INTO emails.email_log (id, idempotency_key, recipient, template, subject, message_id, status)
            SELECT id, idempotency_key, recipient, template, subject, message_id, 'sending'
            FROM unnest(\(ids)::uuid[], \(unique.map(\.idempotencyKey))::text[], \(unique.map(\.recipient))::text[],
                        \(unique.map(\.template))::text[], \(unique.map(\.subject))::text[], \(messageIds)::text[])
                 AS a(id, idempotency_key, recipient, template, subject, message_id)
            ORDER BY idempotency_key
            ON CONFLICT (idempotency_key) DO UPDATE
                SET attempts = emails.email_log.attempts + CASE WHEN emails.email_log.status = 'sent' THEN 0 ELSE 1 END,
                    status = CASE WHEN emails.email_log.status = 'sent' THEN 'sent' ELSE 'sending' END
            RETURNING \(unescaped: Self.columns)
            """)
        var entries: [String: EmailLogEntry] = [:]
        for entry in try Self.entries(from: rows) {
            entries[entry.idempotencyKey] = entry
        }
        for attempt in unique where entries[attempt.idempotencyKey] == nil {
            throw EmailLogError.noRow(attempt.idempotencyKey)
        }
        return entries
    }

    /// Marks the entries sent, in one statement.
    public func markSent(ids: [UUID]) async throws {
        guard !ids.isEmpty else { return }
        try await database.query(
            "UPDATE emails.email_log SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = ANY(\(ids))")
    }
}
