import Foundation
import Testing
import TestSupport

/// What operators see of a worker: its metrics, and how it refuses a bad configuration.
@Suite("Worker operations")
struct WorkerOperationsTests {
    @Test("a worker's /metrics count received, acked, retried, dead-lettered, in flight and handler durations")
    func workerMetrics() async throws {
        // The happy path of another suite may not have run yet: make the checkout worker work.
        let shop = try Shop()
        let product = try await shop.newProduct(stock: 3, adminToken: try await shop.adminToken())
        let customer = try await shop.newCustomer()
        #expect(try await shop.addToCart(product.id, quantity: 1, token: customer.token).status == 200)
        let order = try await shop.checkout(token: customer.token).decode(OrderDTOProbe.self)
        _ = try await shop.finalOrder(order.id, token: customer.token, timeout: .seconds(10))

        let port = try TestEnvironment.require("CHECKOUT_WORKER_PORT")
        let metrics = try await APIClient(baseURL: "http://127.0.0.1:\(port)").send(.GET, "/metrics")
        #expect(metrics.status == 200)
        for family in [
            "worker_messages_received_total", "worker_messages_acked_total", "worker_messages_retried_total",
            "worker_messages_dead_lettered_total", "worker_messages_in_flight", "worker_handler_duration_seconds_bucket",
        ] {
            #expect(metrics.text.contains(family), "no \(family) in /metrics")
        }
        #expect(metrics.text.contains(#"worker_messages_acked_total{queue="checkout"}"#))
        let ready = try await APIClient(baseURL: "http://127.0.0.1:\(port)").send(.GET, "/ready")
        #expect(ready.status == 200, "\(ready.text)")
        #expect(ready.text.contains("rabbitmq") && ready.text.contains("postgres"))
    }

    @Test("an invalid queues.yaml stops a worker at start with the key and the problem")
    func invalidQueuesConfiguration() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("queues-\(UUID().uuidString).yaml")
        try "queues:\n  checkout:\n    backoff: { initial: soon }\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let worker = try WorkerProcess("checkout", extraEnvironment: ["QUEUES_CONFIG": file.path])
        let exit = try await worker.waitForExit(timeout: .seconds(30))
        #expect(exit.status == 1 && !exit.signaled, "exit \(exit)")
        #expect(worker.log.contains("queues.checkout.backoff.initial"), "\(worker.log)")
        #expect(worker.log.contains("soon"))
    }
}

/// Just the id of an order answer.
struct OrderDTOProbe: Decodable {
    var id: UUID
}
