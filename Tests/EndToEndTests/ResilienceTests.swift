import Contracts
import Foundation
import Testing
import TestSupport

/// The system under disruption: brokers and databases restarted, workers killed or stopped,
/// while checkouts are in flight. These tests restart parts of the shared test stack, so they
/// run one at a time and apart from the other suites (scripts/test runs them last).
@Suite("Resilience", .serialized)
struct ResilienceTests {
    let shop: Shop

    init() throws {
        shop = try Shop()
    }

    @Test("RabbitMQ stopped and started while 1,000 checkouts are in flight: every order final, nothing lost or doubled")
    func rabbitMQRestartUnderLoad() async throws {
        let load = try await CheckoutLoad.prepare(customers: 1000, stock: 700, shop: shop)
        let readyDuringOutage = Counter()
        let attempts = try await load.checkoutAll(parallel: 32, disruptAfter: 250) {
            try await StackControl.run("stop rabbitmq")
            // Meanwhile every worker and the orders service say they are not ready.
            let worker = APIClient(baseURL: "http://127.0.0.1:\(try TestEnvironment.require("CHECKOUT_WORKER_PORT"))")
            let orders = APIClient(baseURL: try TestEnvironment.require("ORDERS_URL"))
            for client in [worker, orders] {
                let reply = try await client.send(.GET, "/ready")
                if reply.status == 200 { readyDuringOutage.increment() }
            }
            try await Task.sleep(for: .seconds(3))
            try await StackControl.run("start rabbitmq")
        }
        #expect(readyDuringOutage.value == 0, "a process said it was ready while RabbitMQ was down")
        let summary = try await CheckoutAudit.verify(load, attempts: attempts)
        expectEveryAcceptedCheckoutCounted(summary, attempts)
        #expect(summary.confirmed > 0 && summary.confirmed <= 700)
        try await expectProcessesHealthy()
    }

    @Test("PostgreSQL restarted under load: every order final, nothing lost or doubled")
    func postgresRestartUnderLoad() async throws {
        let load = try await CheckoutLoad.prepare(customers: 300, stock: 200, shop: shop)
        let attempts = try await load.checkoutAll(parallel: 24, disruptAfter: 80) {
            try await StackControl.run("restart postgres")
        }
        let summary = try await CheckoutAudit.verify(load, attempts: attempts)
        expectEveryAcceptedCheckoutCounted(summary, attempts)
        #expect(summary.confirmed > 0)
        try await expectProcessesHealthy()
    }

    @Test("workers killed with SIGKILL mid-flight: their messages are redelivered and take effect once")
    func workersKilledMidFlight() async throws {
        let load = try await CheckoutLoad.prepare(customers: 200, stock: 150, shop: shop)
        let attempts = try await load.checkoutAll(parallel: 24, disruptAfter: 60) {
            for worker in ["checkout", "update-inventory", "send-email"] {
                kill(try StackControl.pid(of: worker), SIGKILL)
            }
            try await Task.sleep(for: .seconds(1))
            try await StackControl.run("start checkout update-inventory send-email")
        }
        let summary = try await CheckoutAudit.verify(load, attempts: attempts)
        #expect(summary.confirmed == 150, "stock for 150: \(summary)")
        #expect(summary.rejected == 50, "\(summary)")
        #expect(summary.failed == 0, "\(summary)")
    }

    @Test("SIGTERM during load: the worker finishes what is in flight and exits 0; nothing is lost")
    func sigtermDuringLoad() async throws {
        let load = try await CheckoutLoad.prepare(customers: 200, stock: 200, shop: shop)
        // A second checkout worker to stop: the stack's own carries on.
        let replica = try WorkerProcess("checkout", extraEnvironment: ["SHUTDOWN_GRACE_SECONDS": "10"])
        #expect(try await replica.waitForLog("consuming"), "the replica did not start: \(replica.log)")
        let attempts = try await load.checkoutAll(parallel: 24, disruptAfter: 80) {
            replica.signal(SIGTERM)
        }
        let exit = try await replica.waitForExit(timeout: .seconds(30))
        #expect(exit.status == 0 && !exit.signaled, "the replica ended with \(exit): \(replica.log.suffix(2000))")
        #expect(replica.log.contains("stopped consuming"))
        let summary = try await CheckoutAudit.verify(load, attempts: attempts)
        #expect(summary.confirmed == 200, "\(summary)")
    }

    @Test("two replicas of every worker during the oversell test: still exactly 10 confirmed, stock 0")
    func twoReplicasNeverOversell() async throws {
        var replicas: [WorkerProcess] = []
        for worker in ["checkout", "update-inventory", "clear-cart", "send-email"] {
            replicas.append(try WorkerProcess(worker))
        }
        defer {
            for replica in replicas { replica.signal(SIGTERM) }
        }
        for replica in replicas {
            #expect(try await replica.waitForLog("consuming"), "\(replica.name) did not start: \(replica.log)")
        }
        let load = try await CheckoutLoad.prepare(customers: 50, stock: 10, shop: shop)
        let attempts = try await load.checkoutAll(parallel: 50, disruptAfter: 0) {}
        let summary = try await CheckoutAudit.verify(load, attempts: attempts)
        #expect(summary.confirmed == 10, "\(summary)")
        #expect(summary.rejected == 40, "\(summary)")
        #expect(try await shop.product(load.product.id).stock == 0)
        for replica in replicas {
            replica.signal(SIGTERM)
            #expect(try await replica.waitForExit().status == 0, "\(replica.name): \(replica.log.suffix(1000))")
        }
    }

    /// Every accepted checkout became an order; a refused one (`503` while a server was down)
    /// wrote nothing, or an order marked `failed`.
    private func expectEveryAcceptedCheckoutCounted(_ summary: CheckoutAudit.Summary, _ attempts: [CheckoutLoad.Attempt]) {
        let accepted = attempts.filter { if case .accepted = $0 { true } else { false } }.count
        let orders = summary.confirmed + summary.rejected + summary.failed
        #expect(orders >= accepted && orders <= attempts.count, "\(orders) orders for \(accepted) accepted of \(attempts.count): \(summary)")
        #expect(summary.confirmed + summary.rejected >= accepted - summary.failed)
    }

    /// Every service and worker of the stack answers /ready again after the disruption
    /// (each checks its own PostgreSQL, Redis and RabbitMQ connections).
    private func expectProcessesHealthy() async throws {
        var addresses = try ["ACCOUNTS_URL", "CATALOG_URL", "CART_URL", "ORDERS_URL", "EMAILS_URL"].map { try TestEnvironment.require($0) }
        for worker in ["CHECKOUT", "UPDATE_INVENTORY", "CLEAR_CART", "SEND_EMAIL"] {
            addresses.append("http://127.0.0.1:\(try TestEnvironment.require("\(worker)_WORKER_PORT"))")
        }
        for address in addresses {
            let ready = try await APIClient.eventually(timeout: .seconds(30), interval: .milliseconds(500)) { () async throws -> Bool? in
                let reply = try? await APIClient(baseURL: address).send(.GET, "/ready")
                return reply?.status == 200 ? true : nil
            }
            #expect(ready == true, "\(address) is not ready again")
        }
    }
}
