import Foundation
import Logging
import PostgresNIO
import Storage

/// One email in the log.
public struct EmailLogEntry: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case sending, sent, failed
    }

    public var id: UUID
    public var idempotencyKey: String
    public var recipient: String
    public var template: String
    public var subject: String
    /// The RFC 5322 Message-ID: the same on every attempt, so mail clients can de-duplicate.
    public var messageId: String
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
}

/// The `emails.email_log` table: each idempotency key is sent once.
public struct EmailLog: Sendable {
    let database: Database
    let logger: Logger
    /// How long an attempt holds an email it is sending: another attempt of the same key in
    /// that time waits (``AttemptStart/inProgress(_:)``); after it, the holder is taken to
    /// have died, and the next attempt takes the email over.
    let attemptLease: Duration

    /// The lease unless configured: two minutes, twice the worker's default handler timeout.
    public static let defaultAttemptLease = Duration.seconds(120)

    /// - Parameter attemptLease: longer than any attempt can take (a send-email batch is
    ///   bounded by the worker's handler timeout, 60 s by default).
    public init(database: Database, attemptLease: Duration = defaultAttemptLease) {
        self.database = database
        self.logger = database.logger
        self.attemptLease = attemptLease
    }

    /// Marks the entry failed with the reason (a later attempt may still send it).
    public func markFailed(id: UUID, reason: String) async throws {
        try await database.query(
            "UPDATE emails.email_log SET status = 'failed', last_error = \(reason) WHERE id = \(id) AND status <> 'sent'")
    }

    /// The newest entries, optionally only those for one recipient (any case) and with one status.
    public func list(recipient: String?, status: EmailLogEntry.Status?, offset: Int, limit: Int) async throws
        -> (entries: [EmailLogEntry], total: Int)
    {
        let recipient = recipient?.lowercased()
        let status = status?.rawValue
        let rows = try await database.query(
            """
            SELECT \(unescaped: Self.columns) FROM emails.email_log
            WHERE (\(recipient)::text IS NULL OR lower(recipient) = \(recipient))
              AND (\(status)::text IS NULL OR status = \(status))
            ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)
            """)
        let entries = try Self.entries(from: rows)
        let countRows = try await database.query(
            """
            SELECT count(*)::bigint FROM emails.email_log
            WHERE (\(recipient)::text IS NULL OR lower(recipient) = \(recipient))
              AND (\(status)::text IS NULL OR status = \(status))
            """)
        let total = try countRows.decode(Int64.self).first ?? 0
        return (entries, Int(total))
    }

    /// One page (1-based) of the newest entries for `recipient`.
    public func list(recipient: String?, page: Int, limit: Int) async throws -> (entries: [EmailLogEntry], total: Int) {
        try await list(recipient: recipient, status: nil, offset: (page - 1) * limit, limit: limit)
    }

    /// The entry with this id, if any.
    public func find(id: UUID) async throws -> EmailLogEntry? {
        try Self.entries(from: await database.query("SELECT \(unescaped: Self.columns) FROM emails.email_log WHERE id = \(id)")).first
    }

    static let columns =
        "id, idempotency_key, recipient, template, subject, message_id, status, attempts, last_error, created_at, sent_at"

    static func entries(from rows: [PostgresRow]) throws -> [EmailLogEntry] {
        var entries: [EmailLogEntry] = []
        let decoded = try rows.decode((UUID, String, String, String, String, String, String, Int, String?, Date, Date?).self)
        for (id, key, recipient, template, subject, messageId, status, attempts, lastError, created, sent) in decoded {
            entries.append(
                EmailLogEntry(
                    id: id, idempotencyKey: key, recipient: recipient, template: template, subject: subject, messageId: messageId,
                    status: EmailLogEntry.Status(rawValue: status) ?? .failed, attempts: attempts, lastError: lastError,
                    createdAt: created, sentAt: sent
                )
            )
        }
        return entries
    }
}

/// The email log did not behave as the schema promises.
public enum EmailLogError: Error, CustomStringConvertible {
    case noRow(String)

    public var description: String {
        switch self {
        case .noRow(let key): "the email log returned no row for key \(key)"
        }
    }
}
