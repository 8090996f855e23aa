import AsyncHTTPClient
import Messaging
import ServiceKit

extension CommandEnvironment {
    /// Runs `body` with a management API client: `RABBITMQ_MANAGEMENT_URL` (default
    /// `http://<AMQP host>:15672`), logging in with the URL's credentials or else `AMQP_URL`'s,
    /// for `AMQP_URL`'s virtual host. Its HTTP client lives only while `body` runs and fails
    /// fast: a refused connection is not retried (a command falls back or reports at once),
    /// connecting may take 3 s.
    func withManagementAPI<T: Sendable>(_ body: (ManagementAPI) async throws -> T) async throws -> T {
        let amqp = try amqpConfiguration(command: "management")
        let url = config.string(forKey: "rabbitmq.management.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://\(amqp.host):15672"
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let api = try ManagementAPI(
                url: url, username: amqp.username, password: amqp.password, virtualHost: amqp.virtualHost, client: client
            )
            let result = try await body(api)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Throws unless returning messages to the dead-letter queue `queue` can never make the
    /// broker drop them (see ``DeliveryLimitCheck``).
    func ensureReturnsAreSafe(to queue: String, operation: String) async throws {
        try await withManagementAPI { api in
            try await DeliveryLimitCheck(management: api).ensureReturnsAreSafe(to: queue, operation: operation)
        }
    }
}
