import Foundation
import Logging
import Testing

@testable import ServiceKit

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    /// The JSON object of one record (without the newline), as the handler writes it:
    /// `fields` (a later entry wins over an earlier one with the same key) and the record's own
    /// keys, which win over both.
    func line(
        fields: some Sequence<(key: String, value: Logger.MetadataValue)>, level: Logger.Level, message: String, service: String,
        time: String, source: String?
    ) -> String {
        var line = JSONLogLine()
        for (key, value) in fields { line.add(key, value) }
        line.addRecordKeys(level: level, message: message, service: service, time: time, source: source)
        return String(decoding: line.bytes, as: UTF8.self)
    }

    func decode(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func aRecordIsOneJSONObjectWithSortedKeysAndItsMetadata() throws {
        let line = line(
            fields: ["request.id": "r-1", "http.status": .stringConvertible(201), "tags": ["a", "b"], "nested": ["k": "v"]],
            level: .info, message: "request", service: "gateway", time: "2026-11-22T02:08:26.123Z", source: nil
        )
        #expect(!line.contains("\n"))
        let object = try decode(line)
        #expect(object["level"] as? String == "info")
        #expect(object["message"] as? String == "request")
        #expect(object["service"] as? String == "gateway")
        #expect(object["time"] as? String == "2026-11-22T02:08:26.123Z")
        #expect(object["request.id"] as? String == "r-1")
        #expect(object["http.status"] as? String == "201")
        #expect(object["tags"] as? [String] == ["a", "b"])
        #expect((object["nested"] as? [String: String]) == ["k": "v"])
        #expect(object["source"] == nil)
        #expect(line.hasPrefix(#"{"http.status":"201","level":"info","message":"request","nested":{"k":"v"},"#), "keys must be sorted: \(line)")
    }

    @Test func aLaterEntryWinsOverAnEarlierOneAndTheRecordsOwnKeysOverBoth() throws {
        let fields: [(key: String, value: Logger.MetadataValue)] = [("request.id", "logger"), ("level", "metadata"), ("request.id", "record")]
        let line = line(fields: fields, level: .warning, message: "m", service: "s", time: "t", source: nil)
        #expect(line == #"{"level":"warning","message":"m","request.id":"record","service":"s","time":"t"}"#)
    }

    @Test(arguments: ["quote \" backslash \\ slash / tab \t newline \n return \r bell \u{07} nul \u{00}", "ünïcödé ✓ 🛒", ""])
    func stringsRoundTripThroughAnyJSONParser(text: String) throws {
        let line = line(fields: ["text": .string(text)], level: .error, message: text, service: "s", time: "t", source: "File.swift:1")
        #expect(!line.contains("\n"))
        let object = try decode(line)
        #expect(object["text"] as? String == text)
        #expect(object["message"] as? String == text)
        #expect(object["source"] as? String == "File.swift:1")
    }

    /// The date arithmetic against the C library's `gmtime_r`, every day from 1900 to 2200
    /// (leap years, centuries, the days before 1970).
    @Test func datesAgreeWithTheCLibrary() {
        for days in -25_567...84_000 {
            var seconds = days * 86_400 + 43_200
            var parts = tm()
            gmtime_r(&seconds, &parts)
            let date = LogTimestamp.civilDate(daysSinceEpoch: days)
            guard date == (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday)) else {
                Issue.record("day \(days): \(date)")
                return
            }
        }
        #expect(LogTimestamp.civilDate(daysSinceEpoch: 0) == (1970, 1, 1))
        #expect(LogTimestamp.civilDate(daysSinceEpoch: 11_016) == (2000, 2, 29))
        #expect(LogTimestamp.civilDate(daysSinceEpoch: -1) == (1969, 12, 31))
    }

    @Test func probesAreLoggedAtDebugAndEverythingElseAtInfo() {
        for path in ["/health", "/ready", "/metrics"] {
            #expect(AccessLog.level(ofPath: path) == .debug, "\(path)")
        }
        for path in ["/", "/healthz", "/readyz", "/metrics2", "/orders", "/r/health", "/health/x"] {
            #expect(AccessLog.level(ofPath: path) == .info, "\(path)")
        }
    }

    @Test func timestampsAreISO8601InUTCWithMilliseconds() {
        #expect(LogTimestamp(year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5, millisecond: 6).description == "2026-01-02T03:04:05.006Z")
        #expect(LogTimestamp(year: 1999, month: 12, day: 31, hour: 23, minute: 59, second: 59, millisecond: 999).description == "1999-12-31T23:59:59.999Z")
        let now = JSONLogHandler.timestamp()
        #expect(now.count == 24 && now.hasSuffix("Z"))
        let parsed = try? Date(now, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
        #expect(parsed.map { abs($0.timeIntervalSinceNow) < 60 } == true, "\(now) is not now")
    }

    /// The access log skips `Logger.log` and its metadata dictionary when the handler writes
    /// JSON: the line must be the one `Logger.log` would have written.
    @Test func theAccessLogsDirectLineIsTheOneLoggerLogWouldWrite() {
        var direct = JSONLogLine()
        direct.add("service", "the record's own key wins")
        direct.add("http.status", "the line's own figure wins")
        AccessLog.addFields(to: &direct, method: "GET", path: "/p", status: 200, elapsed: .milliseconds(12), requestID: "r-1", traceID: "t-1")
        direct.addRecordKeys(level: .info, message: "request", service: "s", time: "t", source: nil)
        let fields = AccessLog.fields(method: "GET", path: "/p", status: 200, elapsed: .milliseconds(12), requestID: "r-1", traceID: "t-1")
        let viaLogger = line(
            fields: [("service", "the record's own key wins"), ("http.status", "the line's own figure wins")] + fields.map { ($0.key, $0.value) },
            level: .info, message: "request", service: "s", time: "t", source: nil
        )
        #expect(String(decoding: direct.bytes, as: UTF8.self) == viaLogger)
        #expect(
            viaLogger == #"{"duration.ms":"12","http.method":"GET","http.path":"/p","http.status":"200","level":"info","message":"request","#
                + #""request.id":"r-1","service":"s","time":"t","trace.id":"t-1"}"#
        )
    }

    /// A handler without metadata of its own gets the access log line written in key order at
    /// once: the same line the general path builds, with or without ids, escapes included.
    @Test(arguments: [("r-1", "t-1"), (nil, nil)] as [(String?, String?)], ["/p", #"/a "quoted\ path"#])
    func theAccessLogsLineInKeyOrderIsTheGeneralOne(ids: (String?, String?), path: String) {
        let time = LogTimestamp(year: 2026, month: 12, day: 6, hour: 18, minute: 5, second: 9, millisecond: 42)
        for (status, elapsed, level) in [(200, Duration.milliseconds(12), Logger.Level.info), (503, .seconds(61), .debug), (404, .zero, .critical)] {
            var general = JSONLogLine()
            AccessLog.addFields(to: &general, method: "GET", path: path, status: status, elapsed: elapsed, requestID: ids.0, traceID: ids.1)
            general.addRecordKeys(level: level, message: "request", service: "gate\"way", time: time.description, source: nil)
            let inKeyOrder = AccessLog.lineInKeyOrder(
                method: "GET", path: path, status: status, elapsed: elapsed, requestID: ids.0, traceID: ids.1,
                level: level, service: "gate\"way", time: time
            )
            #expect(String(decoding: inKeyOrder, as: UTF8.self) == String(decoding: general.bytes, as: UTF8.self))
        }
    }

    @Test(arguments: Logger.Level.allCases)
    func theAccessLogsLineNamesEveryLevelAsItsRawValue(level: Logger.Level) {
        let line = AccessLog.lineInKeyOrder(
            method: "GET", path: "/", status: 200, elapsed: .zero, requestID: nil, traceID: nil, level: level, service: "s",
            time: LogTimestamp(year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0)
        )
        #expect(String(decoding: line, as: UTF8.self).contains(#""level":"\#(level.rawValue)","#))
    }

    @Test(arguments: [0, 7, 10, 99, 100, 1234567890, -5, Int64.max, Int64.min])
    func decimalsAreWrittenAsStringWouldWriteThem(value: Int64) {
        let bytes = [UInt8](unsafeUninitializedCapacity: JSONBytes.maxDecimalSize) { memory, initialized in
            var json = JSONBytes(memory)
            json.decimal(value)
            initialized = json.count
        }
        #expect(String(decoding: bytes, as: UTF8.self) == String(value))
    }

    /// The word-at-a-time scan finds every byte JSON escapes, at every position (in a word
    /// and in the tail), and no other.
    @Test func theEscapeScanFindsExactlyTheBytesThatNeedEscapes() {
        for byte in UInt8.min...UInt8.max {
            let needsEscape = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            for position in 0..<19 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 19)
                bytes[position] = byte
                let found = bytes.withUnsafeBufferPointer { JSONBytes.mayNeedEscaping($0) }
                #expect(found == needsEscape, "byte \(byte) at \(position)")
            }
        }
        #expect(!JSONBytes.mayNeedEscaping(UnsafeBufferPointer(start: nil, count: 0)))
    }

    /// Keys sort by their bytes, a key before every longer key it begins: Swift's order for
    /// ASCII keys, whatever order they arrive in.
    @Test func keysSortByTheirBytesWithPrefixesFirst() {
        let keys = ["ab", "b", "a.b", "ab ", "A", "a", "ab!", "_", "a"]
        let fields = keys.enumerated().map { (key: $0.element, value: Logger.MetadataValue.stringConvertible($0.offset)) }
        let line = line(fields: fields, level: .info, message: "m", service: "s", time: "t", source: nil)
        let expected = (Set(keys).union(["level", "message", "service", "time"])).sorted().map { #""\#($0)""# }
        let order = expected.compactMap { line.range(of: $0 + ":")?.lowerBound }
        #expect(order.count == expected.count && order == order.sorted(), "\(line)")
        #expect(line.contains(#""a":"8""#), "the last of a key wins: \(line)")
    }
}
