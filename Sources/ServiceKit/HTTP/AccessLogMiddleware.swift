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
    /// Writes the line of one answered request: health and metrics probes at debug, the rest at info.
    public static func write(to logger: Logger, method: String, path: some StringProtocol, status: Int, elapsed: Duration) {
        let path = String(path)
        let level: Logger.Level = ["/health", "/ready", "/metrics"].contains(path) ? .debug : .info
        logger.log(
            level: level,
            "request",
            metadata: [
                "http.method": .string(method),
                "http.path": .string(path),
                "http.status": .string(String(status)),
                "duration.ms": .string(String(elapsed.milliseconds)),
            ]
        )
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
