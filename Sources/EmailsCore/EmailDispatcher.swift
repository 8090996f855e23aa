import Contracts
import Foundation
import Mail

/// Sends a batch of ``SendEmail`` requests, each once per idempotency key: renders them,
/// records their attempts in the email log in ONE statement (which also claims each email,
/// so two batches holding messages of one key never both send it), sends them over SMTP (a
/// few at a time), then marks the sent ones in ONE statement. Two commits per batch, however
/// many emails it holds, instead of two per email.
///
/// Each email succeeds or fails on its own: one that cannot be composed or that the SMTP
/// server refuses is reported (and, for SMTP, marked failed in the log) while the others are
/// sent. If the process dies between an SMTP answer and the log update, the email is sent
/// again on redelivery, with the same Message-ID so mail clients fold the two.
public struct EmailDispatcher: Sendable {
    /// Sends one message (``SMTPMailer/send(_:)`` in production).
    public typealias Send = @Sendable (MailMessage) async throws -> Void

    /// What became of one request.
    public enum Outcome: Sendable, Hashable {
        /// Sent now; its email log entry.
        case sent(entryId: UUID)
        /// Sent by an earlier attempt (or by an earlier request of the same batch with the same
        /// key): not sent again.
        case alreadySent(entryId: UUID)
    }

    let log: EmailLog
    let renderer: EmailRenderer
    let sender: MailAddress
    let send: Send
    let parallelSends: Int

    /// - Parameters:
    ///   - sender: the `From` address; its domain is the Message-IDs' domain.
    ///   - parallelSends: how many SMTP sends of one batch run at once (at least 1).
    public init(log: EmailLog, renderer: EmailRenderer, sender: MailAddress, parallelSends: Int = 4, send: @escaping Send) {
        self.log = log
        self.renderer = renderer
        self.sender = sender
        self.parallelSends = max(1, parallelSends)
        self.send = send
    }

    /// Sends each request once per idempotency key and returns one result per request, in
    /// order: a failure is an ``EmailDispatchError`` (whether a retry can help is its
    /// ``EmailDispatchError/isPermanent``). Throws only when the email log cannot be read or
    /// written, which fails the whole batch (nothing is marked sent that was not).
    public func dispatch(_ requests: [SendEmail]) async throws -> [Result<Outcome, EmailDispatchError>] {
        var results = [Result<Outcome, EmailDispatchError>?](repeating: nil, count: requests.count)
        var composed: [(index: Int, recipient: MailAddress, email: RenderedEmail)] = []
        var firstIndex: [String: Int] = [:]
        for (index, request) in requests.enumerated() {
            if firstIndex[request.idempotencyKey] != nil { continue }
            do {
                let recipient = try MailAddress(parsing: request.to)
                let email = try renderer.render(request.template, variables: request.variables)
                composed.append((index, recipient, email))
                firstIndex[request.idempotencyKey] = index
            } catch {
                results[index] = .failure(.cannotCompose(key: request.idempotencyKey, reason: "\(error)"))
            }
        }

        let entries = try await log.beginAttempts(
            composed.map {
                EmailLog.Attempt(
                    idempotencyKey: requests[$0.index].idempotencyKey, recipient: $0.recipient.address,
                    template: requests[$0.index].template.rawValue, subject: $0.email.subject
                )
            },
            messageDomain: sender.domain
        )
        var outgoing: [(index: Int, entry: EmailLogEntry, message: MailMessage)] = []
        for item in composed {
            let key = requests[item.index].idempotencyKey
            let entry: EmailLogEntry
            switch entries[key] {
            case .claimed(let claimed):
                entry = claimed
            case .sent(let sent):
                results[item.index] = .success(.alreadySent(entryId: sent.id))
                continue
            case .inProgress:
                results[item.index] = .failure(.inProgressElsewhere(key: key))
                continue
            case nil:
                throw EmailLogError.noRow(key)
            }
            let message = MailMessage(
                from: sender, to: [item.recipient], subject: item.email.subject, textBody: item.email.text,
                htmlBody: item.email.html, messageID: entry.messageId
            )
            outgoing.append((item.index, entry, message))
        }

        let failures = await sendAll(outgoing.map(\.message))
        var sent: [UUID] = []
        var failed: [(id: UUID, reason: String)] = []
        for (position, item) in outgoing.enumerated() {
            let key = requests[item.index].idempotencyKey
            if let error = failures[position] {
                failed.append((item.entry.id, "\(error)"))
                results[item.index] = .failure(.notSent(key: key, error))
            } else {
                sent.append(item.entry.id)
                results[item.index] = .success(.sent(entryId: item.entry.id))
            }
        }
        try await record(sent: sent, failed: failed)

        // A repeated key shares the outcome of its first request: sent once, or retried with it.
        for (index, request) in requests.enumerated() where results[index] == nil {
            guard let first = firstIndex[request.idempotencyKey], let result = results[first] else { continue }
            results[index] = result.map { outcome in
                switch outcome {
                case .sent(let id), .alreadySent(let id): .alreadySent(entryId: id)
                }
            }
        }
        return results.enumerated().map { index, result in
            result ?? .failure(.cannotCompose(key: requests[index].idempotencyKey, reason: "no outcome"))
        }
    }

    /// Marks the batch's sends in the log, even when the calling task is cancelled (the
    /// worker's handler deadline passed mid-batch): an email sent but left claimed would be
    /// sent again once its claim's lease ran out, and one that failed would wait out the lease
    /// before its retry. The updates run in a task of their own, which does not inherit the
    /// caller's cancellation, and are awaited at once: nothing outlives the call.
    private func record(sent: [UUID], failed: [(id: UUID, reason: String)]) async throws {
        let log = self.log
        try await Task {
            for (id, reason) in failed {
                try? await log.markFailed(id: id, reason: reason)
            }
            try await log.markSent(ids: sent)
        }.value
    }

    /// Sends the messages, at most ``parallelSends`` at once; returns the error of each one
    /// that failed, by position.
    private func sendAll(_ messages: [MailMessage]) async -> [Int: any Error] {
        let send = self.send
        return await withTaskGroup(of: (Int, (any Error)?).self) { group in
            var failures: [Int: any Error] = [:]
            var next = 0
            func startNext() {
                let position = next
                let message = messages[position]
                next += 1
                group.addTask {
                    do {
                        try await send(message)
                        return (position, nil)
                    } catch {
                        return (position, error)
                    }
                }
            }
            while next < messages.count, next < parallelSends { startNext() }
            while let (position, error) = await group.next() {
                if let error { failures[position] = error }
                if next < messages.count { startNext() }
            }
            return failures
        }
    }
}

/// Why one email of a batch was not sent.
public enum EmailDispatchError: Error, CustomStringConvertible, Sendable {
    /// The request cannot become an email (a bad address, a template that does not render):
    /// no retry can help.
    case cannotCompose(key: String, reason: String)
    /// The SMTP send failed; a ``MailError`` says whether a retry can help.
    case notSent(key: String, any Error)
    /// Another attempt (another batch or replica, with a message of the same key) is sending
    /// the email now: it is not sent twice; a later retry finds it sent, or takes it over if
    /// that attempt failed.
    case inProgressElsewhere(key: String)

    /// Whether no retry can help.
    public var isPermanent: Bool {
        switch self {
        case .cannotCompose: true
        case .notSent(_, let error): (error as? MailError).map { !$0.isTransient } ?? false
        case .inProgressElsewhere: false
        }
    }

    public var description: String {
        switch self {
        case .cannotCompose(let key, let reason): "cannot compose the email \(key): \(reason)"
        case .notSent(let key, let error):
            if let mail = error as? MailError, !mail.isTransient {
                "the SMTP server refused the email \(key): \(mail)"
            } else {
                "the email \(key) was not sent: \(error)"
            }
        case .inProgressElsewhere(let key): "the email \(key) is being sent by another attempt"
        }
    }
}
