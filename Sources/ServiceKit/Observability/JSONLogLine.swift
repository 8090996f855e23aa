import Logging

/// One log record as a line of JSON, built as its entries arrive: each entry is written once,
/// as `"key":value` bytes, where it arrives; the line then puts those pieces in key order, the
/// last entry of a key winning. (Collecting keys and values first, to sort and dedupe them,
/// copied every value several times: the access log writes a line per request.)
struct JSONLogLine {
    /// Where one entry is in ``pieces``: its piece, and within it the key's bytes (escaped,
    /// without quotes). Plain integers, so the list is copied, sorted and freed without
    /// reference counting (a `String` key per entry cost a tenth of the access log line).
    private struct Entry {
        var start: Int
        var keyStart: Int
        var keyEnd: Int
        var end: Int
    }

    /// The entries' `"key":value` pieces, back to back, in the order they arrived.
    private var pieces: [UInt8] = []
    /// The entries, in the order they arrived.
    private var entries: [Entry] = []

    init() {
        pieces.reserveCapacity(512)
        entries.reserveCapacity(16)
    }

    /// Adds an entry; a later entry with the same key wins over this one.
    mutating func add(_ key: String, _ value: Logger.MetadataValue) {
        let start = pieces.count
        Self.appendString(key, to: &pieces)
        let keyEnd = pieces.count - 1
        pieces.append(UInt8(ascii: ":"))
        Self.appendValue(value, to: &pieces)
        entries.append(Entry(start: start, keyStart: start + 1, keyEnd: keyEnd, end: pieces.count))
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

    /// The JSON object: the entries sorted by key (byte order of their UTF-8, which is Swift's
    /// `<` for ASCII keys), one per key (its last).
    var bytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(pieces.count + entries.count + 3)
        pieces.withUnsafeBufferPointer { pieces in
            // An insertion sort, stable, so entries of one key stay in arrival order and the
            // last is the one kept: a line has a dozen entries, and they mostly arrive sorted.
            var sorted = entries
            for index in sorted.indices.dropFirst() {
                let entry = sorted[index]
                var slot = index
                while slot > 0, Self.key(of: entry, precedes: sorted[slot - 1], in: pieces) {
                    sorted[slot] = sorted[slot - 1]
                    slot -= 1
                }
                sorted[slot] = entry
            }
            output.append(UInt8(ascii: "{"))
            for index in sorted.indices
            where index + 1 == sorted.count || Self.key(of: sorted[index], precedes: sorted[index + 1], in: pieces) {
                if output.count > 1 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: pieces[sorted[index].start..<sorted[index].end]))
            }
            output.append(UInt8(ascii: "}"))
        }
        return output
    }

    /// Whether `entry`'s key sorts before `other`'s: byte by byte, then the shorter first.
    private static func key(of entry: Entry, precedes other: Entry, in pieces: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = entry.keyEnd - entry.keyStart
        let otherLength = other.keyEnd - other.keyStart
        for offset in 0..<min(length, otherLength) {
            let byte = pieces[entry.keyStart + offset]
            let otherByte = pieces[other.keyStart + offset]
            if byte != otherByte { return byte < otherByte }
        }
        return length < otherLength
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

    /// `string` as a JSON string (``JSONBytes/string(_:)``).
    static func appendString(_ string: String, to output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: JSONBytes.maxStringSize(utf8Count: string.utf8.count)) { scratch in
            var json = JSONBytes(scratch)
            json.string(string)
            output.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<json.count]))
        }
    }
}
