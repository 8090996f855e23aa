import Testing
@testable import RedisStore

@Suite("RedisValue accessors and errors")
struct RedisValueTests {
    @Test func stringAccessorReadsBulkAndStatusText() {
        #expect(RedisValue.string(Array("héllo".utf8)).string == "héllo")
        #expect(RedisValue.status("OK").string == "OK")
        #expect(RedisValue.string([0xFF, 0xFE]).string == nil)
        #expect(RedisValue.integer(3).string == nil)
        #expect(RedisValue.null.string == nil)
        #expect(RedisValue.error("ERR x").string == nil)
    }

    @Test func intAccessorReadsIntegersAndNumericBulkStrings() {
        #expect(RedisValue.integer(-42).int == -42)
        #expect(RedisValue.string(Array("1234".utf8)).int == 1234)
        #expect(RedisValue.string(Array("12a".utf8)).int == nil)
        #expect(RedisValue.status("OK").int == nil)
        #expect(RedisValue.null.int == nil)
    }

    @Test func arrayBytesAndNullAccessors() {
        let array = RedisValue.array([.integer(1), .null, .string([0, 1])])
        #expect(array.array?.count == 3)
        #expect(array.array?[2].bytes == [0, 1])
        #expect(RedisValue.string([]).bytes == [])
        #expect(RedisValue.integer(1).array == nil)
        #expect(RedisValue.null.isNull)
        #expect(!RedisValue.string([]).isNull)
        #expect(RedisValue.error("WRONGTYPE x").errorMessage == "WRONGTYPE x")
    }

    @Test func descriptionsAreReadable() {
        #expect(RedisValue.array([.string(Array("a".utf8)), .integer(2), .null]).description == #"["a", (integer) 2, (nil)]"#)
        #expect(RedisValue.string([0xFF]).description == "<1 bytes>")
        #expect(RedisError.server(message: "ERR boom", command: "GET").description == "Redis error reply to GET: ERR boom")
    }

    @Test func transientErrorsAreTheOnesWorthRetrying() {
        #expect(RedisError.unavailable(reason: "down").isTransient)
        #expect(RedisError.io(reason: "reset").isTransient)
        #expect(RedisError.timeout(command: "GET").isTransient)
        #expect(RedisError.connectionFailed(host: "h", port: 1, reason: "refused").isTransient)
        #expect(RedisError.server(message: "LOADING dataset", command: "GET").isTransient)
        #expect(!RedisError.server(message: "WRONGTYPE", command: "GET").isTransient)
        #expect(!RedisError.shutdown.isTransient)
    }
}
