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
        Self.emit(line.bytes)
    }

    /// Writes a finished line, with its newline, in one `write(2)`: records from several
    /// threads never interleave.
    static func emit(_ line: consuming [UInt8]) {
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { bytes in
            _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count)
        }
    }

    /// Now in UTC, ISO 8601 with milliseconds: `2026-11-22T02:08:26.123Z`.
    static func timestamp() -> String {
        LogTimestamp.now().description
    }
}
