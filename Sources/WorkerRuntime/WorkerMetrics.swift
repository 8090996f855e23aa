import Metrics
import Synchronization

/// The Prometheus metrics of one queue's worker: received, acked, retried, dead-lettered,
/// in flight, and a histogram of handler durations.
struct WorkerMetrics: Sendable {
    let received: Counter
    let acked: Counter
    let retried: Counter
    let deadLettered: Counter
    let handlerDuration: Metrics.Timer
    private let inFlightGauge: Gauge
    private let inFlight: InFlightCount

    init(queue: String) {
        let dimensions = [("queue", queue)]
        received = Counter(label: "worker_messages_received_total", dimensions: dimensions)
        acked = Counter(label: "worker_messages_acked_total", dimensions: dimensions)
        retried = Counter(label: "worker_messages_retried_total", dimensions: dimensions)
        deadLettered = Counter(label: "worker_messages_dead_lettered_total", dimensions: dimensions)
        handlerDuration = Metrics.Timer(label: "worker_handler_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        inFlightGauge = Gauge(label: "worker_messages_in_flight", dimensions: dimensions)
        inFlight = InFlightCount()
    }

    func started() {
        inFlightGauge.record(inFlight.value.add(1, ordering: .relaxed).newValue)
    }

    func finished() {
        inFlightGauge.record(inFlight.value.subtract(1, ordering: .relaxed).newValue)
    }

    /// The deliveries whose handler is running now.
    var inFlightCount: Int {
        inFlight.value.load(ordering: .relaxed)
    }
}

/// The number of deliveries being handled now.
final class InFlightCount: Sendable {
    let value = Atomic<Int>(0)
}
