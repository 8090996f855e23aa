import Messaging
import ServiceKit

extension CommandEnvironment {
    /// The management API client: `RABBITMQ_MANAGEMENT_URL` (default `http://<AMQP host>:15672`),
    /// logging in with the URL's credentials or else `AMQP_URL`'s, for `AMQP_URL`'s virtual host.
    func managementAPI() throws -> ManagementAPI {
        let amqp = try amqpConfiguration(command: "management")
        let url = config.string(forKey: "rabbitmq.management.url", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://\(amqp.host):15672"
        return try ManagementAPI(url: url, username: amqp.username, password: amqp.password, virtualHost: amqp.virtualHost)
    }

    /// The delivery-limit check before reading a dead-letter queue.
    func deliveryLimitCheck() throws -> DeliveryLimitCheck {
        DeliveryLimitCheck(management: try managementAPI())
    }
}
