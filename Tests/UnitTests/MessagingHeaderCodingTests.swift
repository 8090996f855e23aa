import Foundation
import Testing

@testable import Messaging

@Suite("AMQP header and property coding through rabbitmq-c")
struct MessagingHeaderCodingTests {
    /// Every value kind, nested the way RabbitMQ's `x-death` header is.
    static let headers: [String: AMQPValue] = [
        "text": "héllo wörld",
        "empty": "",
        "int64": .int(Int64.max),
        "negative": .int(-42),
        "int32-range": .int(Int64(Int32.min)),
        "yes": true,
        "no": false,
        "ratio": .double(0.125),
        "created": .timestamp(Date(timeIntervalSince1970: 1_795_291_798)),
        "nothing": .void,
        "x-death": .array([
            .table([
                "count": 1,
                "reason": "rejected",
                "queue": "checkout",
                "time": .timestamp(Date(timeIntervalSince1970: 1_795_291_800)),
                "exchange": "",
                "routing-keys": .array(["checkout"]),
            ])
        ]),
        "nested": .table(["inner": .table(["deep": .array([1, "two", .double(3.5), .array([])])])]),
        "empty-table": .table([:]),
    ]

    @Test("a table with every value kind survives encoding and decoding")
    func tableRoundTrip() throws {
        let wire = try #require(FieldTableWire.encode(Self.headers))
        let decoded = try #require(FieldTableWire.decode(wire))
        #expect(decoded == Self.headers)
    }

    @Test("integers of every width and floats decode as int and double")
    func otherWidths() throws {
        // A table as another client might send it: 'I' int32, 's' int16, 'b' int8, 'f' float32.
        var entries: [UInt8] = []
        func key(_ name: String) {
            entries.append(UInt8(name.utf8.count))
            entries.append(contentsOf: Array(name.utf8))
        }
        key("i32")
        entries += [UInt8(ascii: "I"), 0xFF, 0xFF, 0xFF, 0xFE]  // -2
        key("i16")
        entries += [UInt8(ascii: "s"), 0x01, 0x00]  // 256
        key("i8")
        entries += [UInt8(ascii: "b"), 0x85]  // -123
        key("f32")
        entries += [UInt8(ascii: "f")] + withUnsafeBytes(of: Float(1.5).bitPattern.bigEndian, Array.init)
        let length = UInt32(entries.count)
        let wire = withUnsafeBytes(of: length.bigEndian, Array.init) + entries

        let decoded = try #require(FieldTableWire.decode(wire))
        #expect(decoded == ["i32": .int(-2), "i16": .int(256), "i8": .int(-123), "f32": .double(1.5)])
    }

    @Test("timestamps keep whole seconds")
    func timestampPrecision() throws {
        let wire = try #require(FieldTableWire.encode(["t": .timestamp(Date(timeIntervalSince1970: 1000.9))]))
        #expect(FieldTableWire.decode(wire) == ["t": .timestamp(Date(timeIntervalSince1970: 1000))])
    }

    @Test("message properties survive the C structure both ways")
    func propertiesRoundTrip() {
        let full = MessageProperties(
            messageID: "m-1", correlationID: "order-7", type: "order.placed",
            timestamp: Date(timeIntervalSince1970: 1_700_000_000), contentType: "application/json",
            headers: Self.headers, persistent: true, expiration: "1500", replyTo: "replies"
        )
        let minimal = MessageProperties(contentType: nil, persistent: false)
        for properties in [full, minimal, MessageProperties()] {
            let pool = CAllocationPool()
            let decoded = CDecoding.properties(pool.basicProperties(properties))
            #expect(decoded == properties)
        }
    }
}
