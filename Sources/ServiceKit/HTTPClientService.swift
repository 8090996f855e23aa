import AsyncHTTPClient
import ServiceLifecycle

/// Runs an `HTTPClient` as a service: it is shut down (its connections closed) when the
/// process shuts down gracefully.
public struct HTTPClientService: Service {
    public let client: HTTPClient

    public init(client: HTTPClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
