import Logging

/// The access log line, for ``AccessLogMiddleware`` and for requests answered below the
/// router (the gateway's proxy path).
public enum AccessLog {
    /// Writes the line of one answered request: health and metrics probes at debug, the rest
    /// at info. `requestID` and `traceID` (a request's ids, when `logger` does not carry them)
    /// join the line as `request.id` and `trace.id`.
    public static func write(
        to logger: Logger, method: String, path: String, status: Int, elapsed: Duration, requestID: String? = nil, traceID: String? = nil
    ) {
        Writer(logger: logger).write(method: method, path: path, status: status, elapsed: elapsed, requestID: requestID, traceID: traceID)
    }

    /// Health and metrics probes at debug, the rest at info.
    static func level(ofPath path: String) -> Logger.Level {
        // Only a path of a probe's length is compared (three string comparisons per line).
        switch path.utf8.count {
        case 6, 7, 8:
            switch path {
            case "/health", "/ready", "/metrics": return .debug
            default: return .info
            }
        default:
            return .info
        }
    }

    /// The access log of one logger, for a component that writes every line to the same one
    /// (the gateway's proxy path): whether its handler writes JSON is found out once, not per
    /// line (a dynamic cast).
    public struct Writer: Sendable {
        private let logger: Logger
        /// The logger's handler, when it writes JSON.
        private let json: JSONLogHandler?
        /// When that handler adds no entries of its own: its level and service name, read
        /// without a copy of the handler (which retained its metadata, provider and label,
        /// shared by every event loop, for each line).
        private let plainJSON: (level: Logger.Level, service: String)?

        public init(logger: Logger) {
            self.logger = logger
            json = logger.handler as? JSONLogHandler
            plainJSON = json.flatMap { $0.addsContext ? nil : ($0.logLevel, $0.label) }
        }

        /// Writes the line of one answered request (``AccessLog/write(to:method:path:status:elapsed:requestID:traceID:)``).
        public func write(method: String, path: String, status: Int, elapsed: Duration, requestID: String? = nil, traceID: String? = nil) {
            let level = AccessLog.level(ofPath: path)
            // The same line, without the `Logger.Metadata` dictionary `Logger.log` takes (hashing
            // its keys cost a quarter of the line); written in key order at once when the handler
            // adds no entries of its own (the gateway writes one per proxied request).
            if let (threshold, service) = plainJSON {
                guard threshold <= level else { return }
                JSONLogHandler.emit(
                    lineInKeyOrder(
                        method: method, path: path, status: status, elapsed: elapsed, requestID: requestID, traceID: traceID,
                        level: level, service: service, time: LogTimestamp.now()
                    )
                )
                return
            }
            guard let json else {
                let fields = fields(method: method, path: path, status: status, elapsed: elapsed, requestID: requestID, traceID: traceID)
                logger.log(level: level, "request", metadata: fields)
                return
            }
            guard json.logLevel <= level else { return }
            var line = JSONLogLine()
            json.addContext(to: &line)
            addFields(to: &line, method: method, path: path, status: status, elapsed: elapsed, requestID: requestID, traceID: traceID)
            json.emit(line, level: level, message: "request", source: nil)
        }
    }

    /// ``fields(method:path:status:elapsed:requestID:traceID:)`` added to a JSON line as they are.
    static func addFields(
        to line: inout JSONLogLine, method: String, path: String, status: Int, elapsed: Duration, requestID: String?, traceID: String?
    ) {
        line.add("http.method", .string(method))
        line.add("http.path", .string(path))
        line.add("http.status", .string(String(status)))
        line.add("duration.ms", .string(String(elapsed.milliseconds)))
        if let requestID { line.add("request.id", .string(requestID)) }
        if let traceID { line.add("trace.id", .string(traceID)) }
    }

    /// The line of a handler that adds no entries of its own, its keys written in their sorted
    /// order (`duration.ms` … `trace.id`) as they are known beforehand: the line
    /// ``JSONLogLine`` would build, a quarter of the work (the tests compare the two).
    static func lineInKeyOrder(
        method: String, path: String, status: Int, elapsed: Duration, requestID: String?, traceID: String?,
        level: Logger.Level, service: String, time: LogTimestamp
    ) -> [UInt8] {
        let strings = method.utf8.count + path.utf8.count + (requestID?.utf8.count ?? 0) + level.rawValue.utf8.count
            + service.utf8.count + LogTimestamp.size + (traceID?.utf8.count ?? 0)
        // Keys, punctuation and the strings' quotes take 151 bytes, the two numbers 40 at most,
        // the newline `emit` adds 1; each byte of the strings 6 at most (escaped).
        let capacity = 192 + 6 * strings
        return [UInt8](unsafeUninitializedCapacity: capacity) { memory, initialized in
            var line = JSONBytes(memory)
            line.literal(#"{"duration.ms":""#)
            line.decimal(elapsed.milliseconds)
            line.literal(#"","http.method":"#)
            line.string(method)
            line.literal(#","http.path":"#)
            line.string(path)
            line.literal(#","http.status":""#)
            line.decimal(Int64(status))
            line.literal(#"","level":"#)
            line.literal(quoted(level))
            line.literal(#","message":"request","#)
            if let requestID {
                line.literal(#""request.id":"#)
                line.string(requestID)
                line.literal(",")
            }
            line.literal(#""service":"#)
            line.string(service)
            line.literal(#","time":"#)
            line.string(time)
            if let traceID {
                line.literal(#","trace.id":"#)
                line.string(traceID)
            }
            line.literal("}")
            initialized = line.count
        }
    }

    /// `level` as a JSON string, written as it is: no string to scan for escapes.
    private static func quoted(_ level: Logger.Level) -> StaticString {
        switch level {
        case .trace: #""trace""#
        case .debug: #""debug""#
        case .info: #""info""#
        case .notice: #""notice""#
        case .warning: #""warning""#
        case .error: #""error""#
        case .critical: #""critical""#
        }
    }

    /// The line's metadata: the request's figures and the ids given.
    static func fields(method: String, path: String, status: Int, elapsed: Duration, requestID: String?, traceID: String?) -> Logger.Metadata {
        var fields: Logger.Metadata = [:]
        fields.reserveCapacity(6)
        fields["http.method"] = .string(method)
        fields["http.path"] = .string(path)
        fields["http.status"] = .string(String(status))
        fields["duration.ms"] = .string(String(elapsed.milliseconds))
        fields["request.id"] = requestID.map { .string($0) }
        fields["trace.id"] = traceID.map { .string($0) }
        return fields
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components  // once: each is a 128-bit division
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
