import Contracts
import Hummingbird
import Logging

/// Turns every error into a `problem+json` answer: ``HTTPProblem`` as it is, Hummingbird's
/// own errors (unknown route, body too large...) with their status, a dependency outage
/// (database, Redis, broker down) as `503` with `Retry-After`, and anything else as a `500`
/// whose detail names the request id and never leaks internals.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as HTTPProblem {
            if problem.status.code >= 500 {
                context.logger.warning("request failed", metadata: ["status": "\(problem.status.code)", "detail": "\(problem.detail)"])
            }
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError {
            let problem = HTTPProblem(error.status, detail: error.body ?? Self.detail(for: error.status), headers: error.headers)
            return try problem.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let problem = HTTPProblem(error.status, detail: Self.detail(for: error.status))
            return try problem.response(from: request, context: context)
        } catch where DependencyOutage.isOutage(error) {
            context.logger.warning("a dependency is unavailable", metadata: ["error": "\(String(reflecting: error))"])
            let problem = HTTPProblem.unavailable("A service this request needs is unavailable right now; try again shortly.")
            return try problem.response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            let requestID = context.logger[metadataKey: "request.id"]?.description ?? "unknown"
            let problem = HTTPProblem(.internalServerError, detail: "Something went wrong on our side (request id \(requestID)).")
            return try problem.response(from: request, context: context)
        }
    }

    static func detail(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "No such route."
        case .methodNotAllowed: "This route does not accept that method."
        case .contentTooLarge: "The request body is too large."
        default: status.reasonPhrase
        }
    }
}
