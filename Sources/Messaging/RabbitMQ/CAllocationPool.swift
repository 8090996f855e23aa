internal import CRabbitMQ
import Foundation

/// Memory for the C structures handed to rabbitmq-c (strings, tables, properties) for the
/// duration of one call. Everything is allocated from one `amqp_pool_t`, freed at once in
/// `deinit`. Confined to the thread that created it.
final class CAllocationPool {
    private let pool: UnsafeMutablePointer<amqp_pool_t>

    init(pageSize: Int = 4096) {
        pool = .allocate(capacity: 1)
        init_amqp_pool(pool, pageSize)
    }

    deinit {
        empty_amqp_pool(pool)
        pool.deallocate()
    }

    /// A copy of `text`'s UTF-8 bytes (not NUL-terminated, as AMQP strings are length-prefixed).
    func bytes(_ text: String) -> amqp_bytes_t {
        bytes(Array(text.utf8))
    }

    /// A copy of `data`.
    func bytes(_ data: [UInt8]) -> amqp_bytes_t {
        guard !data.isEmpty else { return amqp_bytes_t(len: 0, bytes: nil) }
        let memory = allocate(byteCount: data.count, alignment: 1)
        data.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: data.count) }
        return amqp_bytes_t(len: data.count, bytes: memory)
    }

    /// `entries` as an AMQP field table.
    func table(_ entries: [String: AMQPValue]) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_table_t(num_entries: 0, entries: nil) }
        let memory = allocate(
            byteCount: entries.count * MemoryLayout<amqp_table_entry_t>.stride,
            alignment: MemoryLayout<amqp_table_entry_t>.alignment
        )
        let pointer = memory.bindMemory(to: amqp_table_entry_t.self, capacity: entries.count)
        for (index, key) in entries.keys.sorted().enumerated() {
            (pointer + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: fieldValue(entries[key]!)))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: pointer)
    }

    /// `value` as a field value: `l` for integers, `d` for doubles, `S` for strings.
    func fieldValue(_ value: AMQPValue) -> amqp_field_value_t {
        var field = amqp_field_value_t()
        switch value {
        case .string(let text):
            field.kind = FieldKind.utf8
            field.value.bytes = bytes(text)
        case .int(let number):
            field.kind = FieldKind.i64
            field.value.i64 = number
        case .bool(let flag):
            field.kind = FieldKind.boolean
            field.value.boolean = flag ? 1 : 0
        case .double(let number):
            field.kind = FieldKind.f64
            field.value.f64 = number
        case .timestamp(let date):
            field.kind = FieldKind.timestamp
            field.value.u64 = UInt64(max(0, date.timeIntervalSince1970.rounded(.down)))
        case .array(let elements):
            field.kind = FieldKind.array
            field.value.array = array(elements)
        case .table(let entries):
            field.kind = FieldKind.table
            field.value.table = table(entries)
        case .void:
            field.kind = FieldKind.void
        }
        return field
    }

    private func array(_ elements: [AMQPValue]) -> amqp_array_t {
        guard !elements.isEmpty else { return amqp_array_t(num_entries: 0, entries: nil) }
        let memory = allocate(
            byteCount: elements.count * MemoryLayout<amqp_field_value_t>.stride,
            alignment: MemoryLayout<amqp_field_value_t>.alignment
        )
        let pointer = memory.bindMemory(to: amqp_field_value_t.self, capacity: elements.count)
        for (index, element) in elements.enumerated() {
            (pointer + index).initialize(to: fieldValue(element))
        }
        return amqp_array_t(num_entries: Int32(elements.count), entries: pointer)
    }

    private func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        // amqp_pool_alloc aligns every allocation to 8 bytes, enough for every AMQP struct.
        precondition(alignment <= 8, "amqp_pool_alloc aligns to 8 bytes")
        guard let memory = amqp_pool_alloc(pool, byteCount) else {
            fatalError("rabbitmq-c could not allocate \(byteCount) bytes")
        }
        return memory
    }
}

/// The AMQP field kinds rabbitmq-c uses (`amqp_field_value_kind_t`), as bytes.
enum FieldKind {
    static let boolean = UInt8(ascii: "t")
    static let i8 = UInt8(ascii: "b")
    static let u8 = UInt8(ascii: "B")
    static let i16 = UInt8(ascii: "s")
    static let u16 = UInt8(ascii: "u")
    static let i32 = UInt8(ascii: "I")
    static let u32 = UInt8(ascii: "i")
    static let i64 = UInt8(ascii: "l")
    static let u64 = UInt8(ascii: "L")
    static let f32 = UInt8(ascii: "f")
    static let f64 = UInt8(ascii: "d")
    static let decimal = UInt8(ascii: "D")
    static let utf8 = UInt8(ascii: "S")
    static let array = UInt8(ascii: "A")
    static let timestamp = UInt8(ascii: "T")
    static let table = UInt8(ascii: "F")
    static let void = UInt8(ascii: "V")
    static let bytes = UInt8(ascii: "x")
}
