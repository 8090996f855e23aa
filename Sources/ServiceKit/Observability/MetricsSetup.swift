import Metrics
import Prometheus

/// Sets up swift-metrics once, at start, backed by a Prometheus registry that `/metrics` renders.
public enum MetricsSetup {
    /// Bootstraps swift-metrics and returns the registry to expose.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
