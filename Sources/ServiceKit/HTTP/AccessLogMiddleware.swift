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
