internal import CRabbitMQ

/// Field tables in their AMQP wire form, through rabbitmq-c's own encoder and decoder.
/// The header-coding unit tests use it to check what the broker would see.
enum FieldTableWire {
    /// `entries` encoded as an AMQP field table (length prefix included); nil if rabbitmq-c
    /// rejects it, e.g. when it does not fit in `capacity` bytes.
    static func encode(_ entries: [String: AMQPValue], capacity: Int = 65536) -> [UInt8]? {
        let pool = CAllocationPool()
        var table = pool.table(entries)
        var buffer = [UInt8](repeating: 0, count: capacity)
        var offset = 0
        let status = buffer.withUnsafeMutableBytes { raw in
            amqp_encode_table(amqp_bytes_t(len: raw.count, bytes: raw.baseAddress), &table, &offset)
        }
        guard status == AMQP_STATUS_OK.rawValue else { return nil }
        return Array(buffer[..<offset])
    }

    /// A field table decoded from its wire form; nil if the bytes are not a valid table.
    static func decode(_ wire: [UInt8]) -> [String: AMQPValue]? {
        let pool = UnsafeMutablePointer<amqp_pool_t>.allocate(capacity: 1)
        init_amqp_pool(pool, 4096)
        defer {
            empty_amqp_pool(pool)
            pool.deallocate()
        }
        var table = amqp_table_t()
        var offset = 0
        var copy = wire
        let status = copy.withUnsafeMutableBytes { raw in
            amqp_decode_table(amqp_bytes_t(len: raw.count, bytes: raw.baseAddress), pool, &table, &offset)
        }
        guard status == AMQP_STATUS_OK.rawValue else { return nil }
        return CDecoding.table(table)
    }
}
