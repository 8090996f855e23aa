/// The check every command that returns messages to a dead-letter queue runs first (see
/// ``DeliveryLimit`` for why): it refuses when a delivery limit applies, and when it cannot
/// tell, unless the operator says it knows (`--skip-limit-check`).
struct DeliveryLimitCheck: Sendable {
    let management: ManagementAPI

    /// Throws unless returning messages to `queue` can never drop them.
    /// - Parameter operation: what the command does, for the message (`list checkout.dead`).
    /// - Throws: ``ShopctlError/failure(_:)`` explaining the limit, or why it could not be checked.
    func ensureReturnsAreSafe(to queue: String, operation: String) async throws(ShopctlError) {
        let limit: DeliveryLimit
        do {
            // The overview first: it proves the URL is the management API before its 404 for
            // the queue is believed.
            let overview = try await management.overview()
            guard let info = try await management.queue(queue) else {
                return  // no such queue: the AMQP operation reports it
            }
            limit = DeliveryLimit.of(
                queue: info,
                policies: try await management.policies(),
                operatorPolicies: try await management.operatorPolicies(),
                brokerMajorVersion: overview.majorVersion
            )
        } catch {
            throw .failure(
                "cannot \(operation) safely: \(error). Reading a dead-letter queue returns the messages it does not remove, "
                    + "which counts as a delivery, and a delivery limit would drop them; shopctl checks that no limit applies "
                    + "through the management API (RABBITMQ_MANAGEMENT_URL). Pass --skip-limit-check only if you know none does."
            )
        }
        if case .limited(let value, let source) = limit {
            throw .failure(
                "refusing to \(operation): RabbitMQ drops a message of \(queue) once it has been returned to the queue more than "
                    + "\(value) time\(value == 1 ? "" : "s") (delivery limit from \(source)), and reading the queue returns every "
                    + "message it does not remove, which counts. Lift the limit on \(queue) (RabbitMQ 4: a policy with "
                    + "\"delivery-limit\": -1; RabbitMQ 3: no delivery-limit at all) and try again."
            )
        }
    }
}
