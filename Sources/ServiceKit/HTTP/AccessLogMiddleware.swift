import Hummingbird
import Logging

/// One structured log line per request once it is answered: method, path, status, duration.
/// Health and metrics probes log at debug so they do not drown the rest.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let path = request.uri.path
        let level: Logger.Level = ["/health", "/ready", "/metrics"].contains(path) ? .debug : .info
        context.logger.log(
            level: level,
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.path": "\(path)",
                "http.status": "\(response.status.code)",
                "duration.ms": "\(elapsed.milliseconds)",
            ]
        )
        return response
    }
}

extension Duration {
    /// Whole milliseconds, for logs.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
