import Dispatch
import Hummingbird
import Metrics
import Synchronization

/// Records each request's metrics: requests by route, method and status, their duration, the
/// errors thrown, and the requests in progress, under the labels and dimensions Hummingbird's
/// `MetricsMiddleware` uses (`hb.requests`, `http.server.request.duration`,
/// `hb.request.errors`, `http.server.active_requests`), so dashboards read the same series.
///
/// Unlike Hummingbird's, it records when the handler returns rather than after the body is
/// written. Hummingbird's wraps every body in a closure to run after the write, and a body
/// that is a closure loses Hummingbird's fast path, which writes head, body and end at once:
/// every answer left in two writes (head, then body), a system call and a wake-up of the client
/// (and of a proxy before it) more per request. The services' bodies are whole buffers, so the
/// two moments differ by the write alone; for a streamed body the duration is to its head.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let metrics = MetricsCache()

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let inProgress = metrics.inProgress(method: request.method)
        inProgress.increment()
        defer { inProgress.decrement() }
        do {
            let response = try await next(request, context)
            let route = metrics.route(.init(route: context.endpointPath ?? "Unknown", method: request.method, status: response.status.code))
            route.requests.increment()
            route.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            let route = metrics.route(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
            route.requests.increment()
            route.errors.increment()
            throw error
        }
    }
}

/// The metric objects of each route, method and status, made once (a metrics factory lookup
/// per request would cost more than the recording).
private final class MetricsCache: Sendable {
    struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: Int
    }

    struct RouteMetrics: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter
    }

    private let routes = Mutex<[Key: RouteMetrics]>([:])
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])

    func route(_ key: Key) -> RouteMetrics {
        routes.withLock { routes in
            if let metrics = routes[key] { return metrics }
            let dimensions = [("http.route", key.route), ("http.request.method", key.method.rawValue), ("http.response.status_code", String(key.status))]
            let metrics = RouteMetrics(
                requests: Counter(label: "hb.requests", dimensions: dimensions),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", key.route), ("http.request.method", key.method.rawValue), ("error.type", String(key.status))]
                )
            )
            routes[key] = metrics
            return metrics
        }
    }

    func inProgress(method: HTTPRequest.Method) -> Meter {
        methods.withLock { methods in
            if let meter = methods[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            methods[method] = meter
            return meter
        }
    }
}
