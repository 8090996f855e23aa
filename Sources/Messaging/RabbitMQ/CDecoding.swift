internal import CRabbitMQ
import Foundation

/// Copies of rabbitmq-c's decoded data into Swift values. The C memory belongs to
/// rabbitmq-c's pools and is released soon after: nothing here keeps a pointer into it.
enum CDecoding {
    /// The bytes, copied.
    static func bytes(_ value: amqp_bytes_t) -> [UInt8] {
        guard value.len > 0, let base = value.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: value.len))
    }

    /// The bytes as UTF-8 text (invalid sequences repaired).
    static func string(_ value: amqp_bytes_t) -> String {
        guard value.len > 0, let base = value.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: value.len), as: UTF8.self)
    }

    /// A field table as a dictionary.
    static func table(_ table: amqp_table_t) -> [String: AMQPValue] {
        guard table.num_entries > 0, let entries = table.entries else { return [:] }
        var result: [String: AMQPValue] = [:]
        result.reserveCapacity(Int(table.num_entries))
        for index in 0..<Int(table.num_entries) {
            let entry = entries[index]
            result[string(entry.key)] = value(entry.value)
        }
        return result
    }

    /// One field value; every integer width becomes ``AMQPValue/int(_:)``.
    static func value(_ field: amqp_field_value_t) -> AMQPValue {
        switch field.kind {
        case FieldKind.boolean: .bool(field.value.boolean != 0)
        case FieldKind.i8: .int(Int64(field.value.i8))
        case FieldKind.u8: .int(Int64(field.value.u8))
        case FieldKind.i16: .int(Int64(field.value.i16))
        case FieldKind.u16: .int(Int64(field.value.u16))
        case FieldKind.i32: .int(Int64(field.value.i32))
        case FieldKind.u32: .int(Int64(field.value.u32))
        case FieldKind.i64: .int(field.value.i64)
        case FieldKind.u64: .int(Int64(clamping: field.value.u64))
        case FieldKind.f32: .double(Double(field.value.f32))
        case FieldKind.f64: .double(field.value.f64)
        case FieldKind.decimal:
            .double(Double(field.value.decimal.value) / pow(10, Double(field.value.decimal.decimals)))
        case FieldKind.utf8, FieldKind.bytes: .string(string(field.value.bytes))
        case FieldKind.timestamp: .timestamp(Date(timeIntervalSince1970: TimeInterval(field.value.u64)))
        case FieldKind.table: .table(table(field.value.table))
        case FieldKind.array: .array(array(field.value.array))
        default: .void
        }
    }

    private static func array(_ array: amqp_array_t) -> [AMQPValue] {
        guard array.num_entries > 0, let entries = array.entries else { return [] }
        return (0..<Int(array.num_entries)).map { value(entries[$0]) }
    }

    /// The basic properties the shop uses; unset ones become nil (or the empty headers).
    static func properties(_ properties: amqp_basic_properties_t) -> MessageProperties {
        let flags = properties._flags
        func text(_ flag: UInt32, _ value: amqp_bytes_t) -> String? {
            flags & flag != 0 ? string(value) : nil
        }
        return MessageProperties(
            messageID: text(PropertyFlag.messageID, properties.message_id),
            correlationID: text(PropertyFlag.correlationID, properties.correlation_id),
            type: text(PropertyFlag.type, properties.type),
            timestamp: flags & PropertyFlag.timestamp != 0
                ? Date(timeIntervalSince1970: TimeInterval(properties.timestamp)) : nil,
            contentType: text(PropertyFlag.contentType, properties.content_type),
            headers: flags & PropertyFlag.headers != 0 ? table(properties.headers) : [:],
            persistent: flags & PropertyFlag.deliveryMode != 0 && properties.delivery_mode == 2,
            expiration: text(PropertyFlag.expiration, properties.expiration),
            replyTo: text(PropertyFlag.replyTo, properties.reply_to)
        )
    }
}

extension CAllocationPool {
    /// `properties` as rabbitmq-c's basic properties, delivery mode 2 when persistent.
    func basicProperties(_ properties: MessageProperties) -> amqp_basic_properties_t {
        var result = amqp_basic_properties_t()
        var flags: UInt32 = PropertyFlag.deliveryMode
        result.delivery_mode = properties.persistent ? 2 : 1
        if let value = properties.contentType {
            flags |= PropertyFlag.contentType
            result.content_type = bytes(value)
        }
        if !properties.headers.isEmpty {
            flags |= PropertyFlag.headers
            result.headers = table(properties.headers)
        }
        if let value = properties.correlationID {
            flags |= PropertyFlag.correlationID
            result.correlation_id = bytes(value)
        }
        if let value = properties.replyTo {
            flags |= PropertyFlag.replyTo
            result.reply_to = bytes(value)
        }
        if let value = properties.expiration {
            flags |= PropertyFlag.expiration
            result.expiration = bytes(value)
        }
        if let value = properties.messageID {
            flags |= PropertyFlag.messageID
            result.message_id = bytes(value)
        }
        if let value = properties.timestamp {
            flags |= PropertyFlag.timestamp
            result.timestamp = UInt64(max(0, value.timeIntervalSince1970.rounded(.down)))
        }
        if let value = properties.type {
            flags |= PropertyFlag.type
            result.type = bytes(value)
        }
        result._flags = flags
        return result
    }
}

/// rabbitmq-c's `AMQP_BASIC_*_FLAG` bits.
enum PropertyFlag {
    static let contentType: UInt32 = 1 << 15
    static let headers: UInt32 = 1 << 13
    static let deliveryMode: UInt32 = 1 << 12
    static let correlationID: UInt32 = 1 << 10
    static let replyTo: UInt32 = 1 << 9
    static let expiration: UInt32 = 1 << 8
    static let messageID: UInt32 = 1 << 7
    static let timestamp: UInt32 = 1 << 6
    static let type: UInt32 = 1 << 5
}
