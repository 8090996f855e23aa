import Hummingbird
import Prometheus

/// One dependency `/ready` checks, such as PostgreSQL or RabbitMQ.
public struct ReadinessCheck: Sendable {
    public var name: String
    public var check: @Sendable () async -> Bool

    public init(_ name: String, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.check = check
    }
}

/// The body of `/health` and `/ready`.
struct HealthStatus: Encodable, Sendable {
    var status: String
    var checks: [String: String]?
}

extension Router {
    /// `GET /health` (the process is alive), `GET /ready` (every dependency answers: `200`,
    /// otherwise `503` naming the ones that do not) and `GET /metrics` (Prometheus text).
    public func addHealthRoutes(readiness: [ReadinessCheck], metrics: PrometheusCollectorRegistry) {
        get("/health") { _, _ in
            JSONResponse(HealthStatus(status: "ok", checks: nil))
        }
        get("/ready") { _, _ in
            var results: [String: String] = [:]
            await withTaskGroup(of: (String, Bool).self) { group in
                for check in readiness {
                    group.addTask { (check.name, await check.check()) }
                }
                for await (name, ok) in group {
                    results[name] = ok ? "up" : "down"
                }
            }
            let ready = results.values.allSatisfy { $0 == "up" }
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
