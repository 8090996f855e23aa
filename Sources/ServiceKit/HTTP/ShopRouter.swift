import Contracts
import Hummingbird
import Prometheus

/// The router every shop process starts from.
public enum ShopRouter {
    /// Middleware, outermost first: request ids, trace context, access logs, problem+json errors, metrics and,
    /// with `tokens`, authentication (a valid bearer token puts the caller's identity in the
    /// context; an invalid one is refused with `401`). Plus `/health`, `/ready` and `/metrics`.
    public static func make(metrics: PrometheusCollectorRegistry, tokens: AccessTokens?, readiness: [ReadinessCheck]) -> Router<ShopRequestContext> {
        let router = Router(context: ShopRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: TraceContextMiddleware())
        router.add(middleware: AccessLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.addHealthRoutes(readiness: readiness, metrics: metrics)
        if let tokens {
            router.add(middleware: AuthenticationMiddleware(tokens: tokens))
        }
        return router
    }
}
