import Hummingbird
import Prometheus

/// One dependency `/ready` checks, such as PostgreSQL or RabbitMQ; or a family of them
/// reported one by one, such as the gateway's upstream groups.
public struct ReadinessCheck: Sendable {
    public var name: String
    /// Whether the process cannot serve without it. A non-essential dependency that is down
    /// shows as `degraded` and leaves the process ready (the gateway's rate-limit Redis: it
    /// fails open).
    public var essential: Bool
    /// The results by the name `/ready` shows them under (one, under `name`, for a plain check).
    public var results: @Sendable () async -> [String: ReadinessResult]

    public init(_ name: String, essential: Bool = true, check: @escaping @Sendable () async -> Bool) {
        self.name = name
        self.essential = essential
        self.results = { [name: await check() ? .up : .down] }
    }

    /// A check reporting several dependencies, each under its own name.
    public init(_ name: String, essential: Bool = true, results: @escaping @Sendable () async -> [String: ReadinessResult]) {
        self.name = name
        self.essential = essential
        self.results = results
    }
}

/// One dependency's state in `/ready`: `up` or `down`, with what is wrong (or worth knowing).
public struct ReadinessResult: Sendable, Equatable {
    public var isUp: Bool
    public var detail: String?

    public static let up = ReadinessResult(isUp: true, detail: nil)
    public static let down = ReadinessResult(isUp: false, detail: nil)
    public static func up(_ detail: String) -> ReadinessResult { ReadinessResult(isUp: true, detail: detail) }
    public static func down(_ detail: String) -> ReadinessResult { ReadinessResult(isUp: false, detail: detail) }

    /// `up`, `down` (`degraded` when the dependency is not essential), or either with its
    /// detail: `down: circuit breaker open`.
    func text(essential: Bool) -> String {
        let state = isUp ? "up" : essential ? "down" : "degraded"
        return detail.map { "\(state): \($0)" } ?? state
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
            var texts: [String: String] = [:]
            var ready = true
            await withTaskGroup(of: (Bool, [String: ReadinessResult]).self) { group in
                for check in readiness {
                    group.addTask { (check.essential, await check.results()) }
                }
                for await (essential, results) in group {
                    for (name, result) in results where texts[name] == nil {
                        texts[name] = result.text(essential: essential)
                        if essential, !result.isUp { ready = false }
                    }
                }
            }
            return JSONResponse(
                HealthStatus(status: ready ? "ready" : "not ready", checks: texts),
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
