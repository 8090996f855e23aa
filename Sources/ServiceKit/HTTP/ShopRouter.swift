import Contracts
import Hummingbird
import Prometheus

/// The router every shop process starts from.
public enum ShopRouter {
    /// Middleware, outermost first: request ids, trace context, access logs, problem+json errors, metrics and,
    /// with `tokens`, authentication (a valid bearer token puts the caller's identity in the
    /// context; an invalid one is refused with `401`). Plus `/health`, `/ready` and `/metrics`.
    ///
    /// `edge` middleware (the gateway's CORS and security headers) runs just outside the
    /// problem+json conversion, so it sees every answer as a response: problems, the health
    /// routes and whatever comes after.
    public static func make(
        metrics: PrometheusCollectorRegistry, tokens: AccessTokens?, readiness: [ReadinessCheck],
        edge: [any MiddlewareProtocol<Request, Response, ShopRequestContext>] = []
    ) -> Router<ShopRequestContext> {
        let router = Router(context: ShopRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: TraceContextMiddleware())
        router.add(middleware: AccessLogMiddleware())
        for middleware in edge {
            router.add(middleware: middleware)
        }
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: RequestMetricsMiddleware())
        router.addHealthRoutes(readiness: readiness, metrics: metrics)
        if let tokens {
            router.add(middleware: AuthenticationMiddleware(tokens: tokens))
        }
        return router
    }
}
