import Contracts
import HTTPTypes
import Hummingbird

/// Joins the caller's W3C trace (`traceparent`) or starts one, so every log line of the
/// request carries `trace.id` and messages published for it carry the trace on.
public struct TraceContextMiddleware: RouterMiddleware {
    public typealias Context = ShopRequestContext

    public init() {}

    public func handle(_ request: Request, context: ShopRequestContext, next: (Request, ShopRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let trace = request.headers[.traceParent].flatMap(TraceParent.init) ?? .newTrace()
        context.traceParent = trace
        context.logger[metadataKey: "trace.id"] = .string(trace.traceID)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// `traceparent` (W3C Trace Context).
    public static let traceParent = HTTPField.Name("traceparent")!
}
