#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// Writes each log record as one line of JSON on standard error:
/// `{"level":…,"message":…,"service":…,"time":…, <metadata>…}`, keys sorted.
///
/// The line is built by hand rather than with `JSONSerialization`: every request of every
/// process logs a line (the gateway's access log among them), and the generic encoder with
/// its `[String: Any]` and date formatter cost several times the request itself.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        // Entries in precedence order (a later one wins over an earlier one with its key):
        // the logger's metadata, the provider's, the record's. No dictionary is merged: the
        // access log writes a line per request, and merging cost more than writing.
        var fields: [(key: String, value: Logger.MetadataValue)] = []
        fields.reserveCapacity(metadata.count + (event.metadata?.count ?? 0) + 5)
        fields.append(contentsOf: metadata.lazy.map { ($0.key, $0.value) })
        if let provided = metadataProvider?.get() {
            fields.append(contentsOf: provided.lazy.map { ($0.key, $0.value) })
        }
        if let extra = event.metadata {
            fields.append(contentsOf: extra.lazy.map { ($0.key, $0.value) })
        }
        var line = Self.lineBytes(
            fields: fields, level: event.level, message: event.message.description, service: label,
            time: Self.timestamp(), source: event.level >= .error ? "\(event.file):\(event.line)" : nil
        )
        line.append(UInt8(ascii: "\n"))
        // One write(2) per record: records from several threads never interleave.
        line.withUnsafeBytes { bytes in
            _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count)
        }
    }

    /// The JSON object of one record (without the newline): `fields` (a later entry wins over
    /// an earlier one with the same key) and the record's own keys, which win over both.
    static func line(
        fields: some Sequence<(key: String, value: Logger.MetadataValue)>, level: Logger.Level, message: String, service: String,
        time: String, source: String?
    ) -> String {
        String(decoding: lineBytes(fields: Array(fields), level: level, message: message, service: service, time: time, source: source), as: UTF8.self)
    }

    /// ``line(fields:level:message:service:time:source:)`` as UTF-8 bytes, written straight
    /// into one buffer (appending to a `String` piece by piece cost more than the rest).
    static func lineBytes(
        fields: [(key: String, value: Logger.MetadataValue)], level: Logger.Level, message: String, service: String,
        time: String, source: String?
    ) -> [UInt8] {
        var entries = fields
        entries.append(("level", .string(level.rawValue)))
        entries.append(("message", .string(message)))
        entries.append(("service", .string(service)))
        entries.append(("time", .string(time)))
        if let source {
            entries.append(("source", .string(source)))
        }
        entries.sort { $0.key < $1.key }  // stable: entries with one key keep their order
        var output: [UInt8] = []
        output.reserveCapacity(384)
        output.append(UInt8(ascii: "{"))
        var first = true
        for (index, entry) in entries.enumerated() where index + 1 == entries.count || entries[index + 1].key != entry.key {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            appendString(entry.key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendValue(entry.value, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    private static func appendObject(_ object: Logger.Metadata, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
        for (index, key) in object.keys.sorted().enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendString(key, to: &output)
            output.append(UInt8(ascii: ":"))
            appendValue(object[key]!, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    private static func appendValue(_ value: Logger.MetadataValue, to output: inout [UInt8]) {
        switch value {
        case .string(let string): appendString(string, to: &output)
        case .stringConvertible(let convertible): appendString(convertible.description, to: &output)
        case .dictionary(let object): appendObject(object, to: &output)
        case .array(let values):
            output.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendValue(element, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    /// `string` as a JSON string: quotes, backslashes and control characters escaped, the rest
    /// (including `/` and non-ASCII) as it is. Works on UTF-8 bytes: every byte that needs an
    /// escape is ASCII, and most strings need none and are appended whole.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        var string = string
        string.withUTF8 { bytes in  // scanned as one contiguous buffer, not through the UTF-8 view
            output.append(UInt8(ascii: "\""))
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                output.append(contentsOf: bytes)
            } else {
                appendEscaped(bytes, to: &output)
            }
            output.append(UInt8(ascii: "\""))
        }
    }

    private static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case ..<0x20: output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
    }

    /// Now in UTC, ISO 8601 with milliseconds: `2026-11-22T02:08:26.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return timestamp(
            year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday),
            hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec), millisecond: Int(now.tv_nsec) / 1_000_000
        )
    }

    static func timestamp(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int) -> String {
        // Written digit by digit into one small string: a log line per request makes this hot.
        String(unsafeUninitializedCapacity: 24) { buffer in
            var index = 0
            func put(_ value: Int, width: Int) {
                var divisor = 1
                for _ in 1..<width { divisor *= 10 }
                for _ in 0..<width {
                    buffer[index] = UInt8(ascii: "0") + UInt8((value / divisor) % 10)
                    index += 1
                    divisor /= 10
                }
            }
            func put(_ separator: Unicode.Scalar) {
                buffer[index] = UInt8(ascii: separator)
                index += 1
            }
            put(year, width: 4)
            put("-")
            put(month, width: 2)
            put("-")
            put(day, width: 2)
            put("T")
            put(hour, width: 2)
            put(":")
            put(minute, width: 2)
            put(":")
            put(second, width: 2)
            put(".")
            put(millisecond, width: 3)
            put("Z")
            return index
        }
    }
}
