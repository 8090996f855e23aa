import Contracts

/// The message the throughput benchmark publishes: `{"n": 17}`, type `bench.ping`.
/// Decoded with the shop's JSON coding like every real message, so the benchmark pays what
/// a real worker pays per delivery except the handler's own work.
struct BenchPing: Codable, Sendable, IncomingMessage {
    static let messageType = "bench.ping"

    var n: Int

    static func decode(type: String?, body: [UInt8]) throws -> BenchPing {
        if let type, type != messageType {
            throw MessageDecodingError.unexpectedType(type, expected: [messageType])
        }
        return try MessageCoding.decode(BenchPing.self, from: body)
    }
}
