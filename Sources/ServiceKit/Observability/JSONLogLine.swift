import Logging

/// One log record as a line of JSON, built as its entries arrive: each entry is written once,
/// as `"key":value` bytes, where it arrives; the line then puts those pieces in key order, the
/// last entry of a key winning. (Collecting keys and values first, to sort and dedupe them,
/// copied every value several times: the access log writes a line per request.)
struct JSONLogLine {
    /// The entries' `"key":value` pieces, back to back, in the order they arrived.
    private var pieces: [UInt8] = []
    /// Each entry's key and where its piece is in ``pieces``.
    private var entries: [(key: String, start: Int, end: Int)] = []

    init() {
        pieces.reserveCapacity(512)
        entries.reserveCapacity(16)
    }

    /// Adds an entry; a later entry with the same key wins over this one.
    mutating func add(_ key: String, _ value: Logger.MetadataValue) {
        let start = pieces.count
        Self.appendString(key, to: &pieces)
        pieces.append(UInt8(ascii: ":"))
        Self.appendValue(value, to: &pieces)
        entries.append((key, start, pieces.count))
    }

    /// Adds the record's own keys, which win over the metadata's.
    mutating func addRecordKeys(level: Logger.Level, message: String, service: String, time: String, source: String?) {
        add("level", .string(level.rawValue))
        add("message", .string(message))
        add("service", .string(service))
        add("time", .string(time))
        if let source {
            add("source", .string(source))
        }
    }

    /// The JSON object: the entries sorted by key (Swift's `<`, byte order for ASCII keys),
    /// one per key (its last).
    var bytes: [UInt8] {
        // Sorted by key, then by arrival (pieces start in arrival order): the last of a key is
        // the one kept.
        let sorted = entries.sorted { $0.key < $1.key || ($0.key == $1.key && $0.start < $1.start) }
        var output: [UInt8] = []
        output.reserveCapacity(pieces.count + entries.count + 2)
        output.append(UInt8(ascii: "{"))
        for index in sorted.indices where index + 1 == sorted.count || sorted[index + 1].key != sorted[index].key {
            if output.count > 1 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: pieces[sorted[index].start..<sorted[index].end])
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

    static func appendValue(_ value: Logger.MetadataValue, to output: inout [UInt8]) {
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
        output.append(UInt8(ascii: "\""))
        // Scanned as one contiguous buffer (a native string's own), not through the UTF-8 view.
        string.withUTF8Bytes { appendEscapingIfNeeded($0, to: &output) }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscapingIfNeeded(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output.append(contentsOf: bytes)
        } else {
            appendEscaped(bytes, to: &output)
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
}
