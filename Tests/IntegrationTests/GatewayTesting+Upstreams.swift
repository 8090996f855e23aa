import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

@testable import Gateway

/// What a controlled upstream counts, and whether it is failing (answering `502` itself, as a service whose own upstream is gone).
final class UpstreamControl: Sendable {
    private let state = Mutex((requests: 0, failing: false))

    var requests: Int { state.withLock { $0.requests } }

    var failing: Bool {
        get { state.withLock { $0.failing } }
        set { state.withLock { $0.failing = newValue } }
    }

    /// Counts a request; whether to fail it.
    func take() -> Bool {
        state.withLock { state in
            state.requests += 1
            return state.failing
        }
    }
}

/// A name resolver with fixed answers for some names, the system's for the others: stands
/// in for a DNS server that knows compose replicas (this machine's hosts file has no name
/// with several addresses).
struct FixedNameResolver: NameResolver {
    let table: [String: [String]]
    var otherwise: any NameResolver = SystemNameResolver()

    func addresses(of host: String) async throws(NameResolutionError) -> [String] {
        guard let addresses = table[host] else { return try await otherwise.addresses(of: host) }
        return addresses
    }
}

extension GatewayTesting {
    /// An echo upstream on `host:port` that counts the requests it gets (`/health` aside, which
    /// answers `200`) and, while `control.failing`, answers them `502` itself. Its answers say
    /// the request's authority (`Host`) in `X-Seen-Host`. It runs while `body` runs; `body`
    /// gets its port and a function that stops it (returning once it no longer listens), to
    /// kill an upstream in the middle of a test. (The test framework's live mode would always
    /// listen on localhost:0.)
    func withControlledUpstream<T: Sendable>(
        name: String, host: String = "127.0.0.1", port: Int = 0, control: UpstreamControl,
        _ body: (_ port: Int, _ stop: @escaping @Sendable () async -> Void) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.get("/health") { _, _ in HTTPResponse.Status.ok }
        for method in [HTTPRequest.Method.get, .post] {
            router.on("**", method: method) { request, context in
                if control.take() {
                    return Response(status: .badGateway, headers: [HTTPField.Name("X-Upstream")!: name], body: .init(byteBuffer: ByteBuffer(string: "sick")))
                }
                var response = try await echo(request: request, context: context, name: name)
                response.headers[HTTPField.Name("X-Seen-Host")!] = request.head.authority ?? ""
                return response
            }
        }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let (stopped, stoppedContinuation) = AsyncStream<Void>.makeStream()
        let logger = Logger(label: "upstream-\(name)")
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }, logger: logger
        )
        let server = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { stoppedContinuation.finish() }
                try await server.run()
            }
            var portIterator = ports.makeAsyncIterator()
            let port = await portIterator.next() ?? 0
            let stop: @Sendable () async -> Void = {
                await server.triggerGracefulShutdown()
                for await _ in stopped {}
            }
            do {
                let result = try await body(port, stop)
                await server.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await server.triggerGracefulShutdown()
                throw error
            }
        }
    }

    /// The value of the series `name` whose labels contain every one of `labels` in `/metrics` text.
    func metricValue(_ text: String, _ name: String, labels: [String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") && labels.allSatisfy({ line.contains($0) }) {
            return line.split(separator: " ").last.flatMap { Double($0) }
        }
        return nil
    }
}
