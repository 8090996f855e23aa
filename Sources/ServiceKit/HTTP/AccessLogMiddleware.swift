import Hummingbird
import Logging

/// One structured log line per request once it is answered: method, path, status, duration.
/// Health and metrics probes log at debug so they do not drown the rest.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        AccessLog.write(to: context.logger, method: request.method.rawValue, path: request.uri.path, status: response.status.code, elapsed: .now - start)
        return response
    }
}

/// The access log line, for ``AccessLogMiddleware`` and for requests answered below the
/// router (the gateway's proxy path).
public enum AccessLog {
    /// Writes the line of one answered request: health and metrics probes at debug, the rest
    /// at info. `metadata` (a request's ids, when `logger` does not carry them) joins the line's.
    public static func write(
        to logger: Logger, method: String, path: String, status: Int, elapsed: Duration, metadata: Logger.Metadata = [:]
    ) {
        let level: Logger.Level
        switch path {
        case "/health", "/ready", "/metrics": level = .debug
        default: level = .info
        }
        guard let json = logger.handler as? JSONLogHandler else {
            logger.log(level: level, "request", metadata: fields(method: method, path: path, status: status, elapsed: elapsed, adding: metadata))
            return
        }
        // The same line, without the `Logger.Metadata` dictionary `Logger.log` takes (hashing
        // its keys cost a quarter of the line).
        guard json.logLevel <= level else { return }
        var line = JSONLogLine()
        json.addContext(to: &line)
        addFields(to: &line, method: method, path: path, status: status, elapsed: elapsed, adding: metadata)
        json.emit(line, level: level, message: "request", source: nil)
    }

    /// ``fields(method:path:status:elapsed:adding:)`` added to a JSON line as they are.
    static func addFields(to line: inout JSONLogLine, method: String, path: String, status: Int, elapsed: Duration, adding extra: Logger.Metadata) {
        line.add("http.method", .string(method))
        line.add("http.path", .string(path))
        line.add("http.status", .string(String(status)))
        line.add("duration.ms", .string(String(elapsed.milliseconds)))
        for (key, value) in extra { line.add(key, value) }
    }

    /// The line's metadata: the request's figures, then `extra`, which wins over them.
    static func fields(method: String, path: String, status: Int, elapsed: Duration, adding extra: Logger.Metadata) -> Logger.Metadata {
        var fields: Logger.Metadata = [:]
        fields.reserveCapacity(4 + extra.count)
        fields["http.method"] = .string(method)
        fields["http.path"] = .string(path)
        fields["http.status"] = .string(String(status))
        fields["duration.ms"] = .string(String(elapsed.milliseconds))
        for (key, value) in extra {
            fields[key] = value
        }
        return fields
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
