import Hummingbird
import Prometheus

/// One dependency `/ready` checks, such as PostgreSQL or RabbitMQ.
public struct ReadinessCheck: Sendable {
    public var name: String
    /// Whether the process cannot serve without it. A non-essential dependency that is down
    /// shows as `degraded` and leaves the process ready (the gateway's rate-limit Redis: it
    /// fails open).
    public var essential: Bool
    public var check: @Sendable () async -> Bool

    public init(_ name: String, essential: Bool = true, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.essential = essential
        self.check = check
    }
}

/// The body of `/health` and `/ready`.
struct HealthStatus: Encodable, Sendable {
    var status: String
    var checks: [String: String]?
}

extension Router {
    /// `GET /health` (the process is alive), `GET /ready` (every essential dependency answers:
    /// `200`, otherwise `503` naming the ones that do not; a non-essential one that does not is
    /// `degraded`) and `GET /metrics` (Prometheus text).
    public func addHealthRoutes(readiness: [ReadinessCheck], metrics: PrometheusCollectorRegistry) {
        get("/health") { _, _ in
            JSONResponse(HealthStatus(status: "ok", checks: nil))
        }
        get("/ready") { _, _ in
            var results: [String: String] = [:]
            await withTaskGroup(of: (String, String).self) { group in
                for check in readiness {
                    group.addTask { (check.name, await check.check() ? "up" : check.essential ? "down" : "degraded") }
                }
                for await (name, state) in group {
                    results[name] = state
                }
            }
            let ready = !results.values.contains("down")
            return JSONResponse(
                HealthStatus(status: ready ? "ready" : "not ready", checks: results),
                status: ready ? .ok : .serviceUnavailable
            )
        }
        get("/metrics") { _, _ in
            var bytes: [UInt8] = []
            metrics.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }
}
