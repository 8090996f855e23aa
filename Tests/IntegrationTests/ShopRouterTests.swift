import Hummingbird
import HummingbirdTesting
import Prometheus
import ServiceKit
import Testing

@Suite("Shop router")
struct ShopRouterTests {
    /// A service's answer leaves in one write: head, body and end together (Hummingbird's fast
    /// path, which a body wrapped by a middleware loses), so its client, or a proxy, reads it
    /// whole at once instead of the head first and a wake-up later for the body.
    @Test func anAnswerLeavesInOneWrite() async throws {
        let router = ShopRouter.make(metrics: PrometheusCollectorRegistry(), tokens: nil, readiness: [])
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let connection = try RawConnection(port: client.port!)
            try connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = try await connection.readFirstChunk(within: .seconds(5))
            #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
            let body = answer.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first
            #expect(body?.isEmpty == false, "the head came alone: \(answer)")
        }
    }
}
