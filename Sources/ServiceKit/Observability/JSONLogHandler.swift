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
    /// The logger's label: the service's name, each line's `service`.
    let label: String

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
        // the logger's metadata, the provider's, the record's, the record's own keys. No
        // dictionary is merged: the access log writes a line per request, and merging cost
        // more than writing.
        var line = JSONLogLine()
        addContext(to: &line)
        for (key, value) in event.metadata ?? [:] { line.add(key, value) }
        emit(line, level: event.level, message: event.message.description, source: event.level >= .error ? "\(event.file):\(event.line)" : nil)
    }

    /// Adds what every record of this handler carries first: the logger's metadata, then the
    /// metadata provider's.
    func addContext(to line: inout JSONLogLine) {
        for (key, value) in metadata { line.add(key, value) }
        if let provided = metadataProvider?.get() {
            for (key, value) in provided { line.add(key, value) }
        }
    }

    /// Whether ``addContext(to:)`` adds anything: logger metadata, or a metadata provider.
    var addsContext: Bool {
        !metadata.isEmpty || metadataProvider != nil
    }

    /// Finishes `line` with the record's own keys and writes it (``emit(_:)``).
    func emit(_ line: consuming JSONLogLine, level: Logger.Level, message: String, source: String?) {
        line.addRecordKeys(level: level, message: message, service: label, time: Self.timestamp(), source: source)
        emit(line.bytes)
    }

    /// Writes a finished line, with its newline, in one `write(2)`: records from several
    /// threads never interleave.
    func emit(_ line: consuming [UInt8]) {
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count)
        }
    }

    /// Now in UTC, ISO 8601 with milliseconds: `2026-11-22T02:08:26.123Z`.
    static func timestamp() -> String {
        LogTimestamp.now().description
    }

    /// The (proleptic Gregorian) date `days` after 1970-01-01: Howard Hinnant's
    /// `civil_from_days`, arithmetic only. (`gmtime_r` takes glibc's process-wide time zone
    /// lock on every call, for a log line per request from every event loop.)
    static func civilDate(daysSinceEpoch days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468  // days since 0000-03-01: leap days fall at the end of a year
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097  // 400-year cycles
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // March is 0
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
