import Foundation
import Messaging
import WorkerRuntime

/// What an operator sees of one message in a dead-letter queue.
struct DeadLetteredMessage: Encodable, Sendable {
    /// 1 for the head of the queue (the oldest message).
    var position: Int
    var messageId: String?
    var type: String?
    var correlationId: String?
    /// The attempt it failed on (`x-attempt`).
    var attempts: Int
    var failureReason: String?
    var failedAt: String?
    /// When each failed attempt ended, oldest first (`x-failures`).
    var failures: [String]
    var failedBy: String?
    var originalQueue: String?
    /// When the message was first published.
    var timestamp: Date?
    /// How often the broker handed it out before and got it back (`x-delivery-count`):
    /// each listing adds one.
    var deliveryCount: Int
    /// The body: its text, or base64 when it is not UTF-8 (see ``bodyEncoding``).
    var body: String
    /// `utf8` or `base64`.
    var bodyEncoding: String
    var bodyBytes: Int

    init(_ delivery: Delivery, position: Int) {
        let headers = delivery.properties.headers
        self.position = position
        messageId = delivery.properties.messageID
        type = delivery.properties.type
        correlationId = delivery.properties.correlationID
        attempts = delivery.attempt
        failureReason = Self.text(headers[WorkerHeaders.reason])
        failedAt = Self.text(headers[WorkerHeaders.failedAt])
        failures = (headers[WorkerHeaders.failures]?.arrayValue ?? []).compactMap(Self.text)
        failedBy = Self.text(headers[WorkerHeaders.worker])
        originalQueue = Self.text(headers[WorkerHeaders.originalQueue])
        timestamp = delivery.properties.timestamp
        deliveryCount = Int(headers["x-delivery-count"]?.intValue ?? 0)
        if let text = String(validating: delivery.body, as: UTF8.self) {
            body = text
            bodyEncoding = "utf8"
        } else {
            body = Data(delivery.body).base64EncodedString()
            bodyEncoding = "base64"
        }
        bodyBytes = delivery.body.count
    }

    /// A header as text: strings as they are, timestamps in ISO 8601, numbers as digits.
    static func text(_ value: AMQPValue?) -> String? {
        switch value {
        case .string(let text): text
        case .timestamp(let date): date.formatted(.iso8601)
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): String(flag)
        default: nil
        }
    }

    // Absent values are written as null, so every message has the same keys.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(position, forKey: .position)
        try container.encode(messageId, forKey: .messageId)
        try container.encode(type, forKey: .type)
        try container.encode(correlationId, forKey: .correlationId)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(failedAt, forKey: .failedAt)
        try container.encode(failures, forKey: .failures)
        try container.encode(failedBy, forKey: .failedBy)
        try container.encode(originalQueue, forKey: .originalQueue)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(deliveryCount, forKey: .deliveryCount)
        try container.encode(body, forKey: .body)
        try container.encode(bodyEncoding, forKey: .bodyEncoding)
        try container.encode(bodyBytes, forKey: .bodyBytes)
    }

    private enum CodingKeys: String, CodingKey {
        case position, messageId, type, correlationId, attempts, failureReason, failedAt, failures, failedBy, originalQueue
        case timestamp, deliveryCount, body, bodyEncoding, bodyBytes
    }
}

extension DeadLetteredMessage {
    /// The message as a few lines of text, its body cut to `bodyWidth` characters.
    func text(bodyWidth: Int) -> String {
        var lines = [
            "\(position). \(type ?? "(no type)")  id \(messageId ?? "(none)")  correlation \(correlationId ?? "(none)")  attempt \(attempts)"
        ]
        var failure = "   failed \(failedAt ?? "(time unknown)") by \(failedBy ?? "(worker unknown)")"
        if let originalQueue { failure += " on \(originalQueue)" }
        if failures.count > 1 { failure += "; earlier failures \(failures.dropLast().joined(separator: ", "))" }
        lines.append(failure)
        lines.append("   reason: \(failureReason.map { Self.oneLine($0, width: 300) } ?? "(none)")")
        let shown = Self.oneLine(body, width: bodyWidth)
        let note = bodyEncoding == "base64" ? " (base64, not UTF-8)" : ""
        lines.append("   body\(note): \(shown)\(shown.count < body.count ? " … (\(bodyBytes) bytes; --json shows it whole)" : "")")
        return lines.joined(separator: "\n")
    }

    /// `text` on one line (line breaks and tabs as spaces), cut to `width` characters.
    static func oneLine(_ text: String, width: Int) -> String {
        let flat = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        return flat.count <= width ? flat : String(flat.prefix(width))
    }
}
