import Messaging

extension CommandEnvironment {
    /// Where the queue topology is read from (`QUEUES_CONFIG`, default `queues.yaml`).
    var queuesConfigPath: String {
        config.string(forKey: "queues.config", default: "queues.yaml")
    }

    /// The queue topology and policies, like every worker reads them.
    /// - Throws: ``ShopctlError/failure(_:)`` naming the file and the offending key.
    func queuesConfiguration() throws(ShopctlError) -> QueuesConfiguration {
        let path = queuesConfigPath
        do {
            return try QueuesConfiguration(contentsOfFile: path)
        } catch {
            throw .failure("\(path) (QUEUES_CONFIG): \(error)")
        }
    }
}

extension QueuesConfiguration {
    /// The names of the work queues, sorted.
    var queueNames: [String] { queues.keys.sorted() }

    /// The policy of the work queue an operator named.
    /// - Throws: ``ShopctlError/usage(_:)`` for a name `queues.yaml` does not define, listing
    ///   the ones it does (and which work queue was meant, for a retry or dead queue's name).
    func knownPolicy(_ name: String) throws(ShopctlError) -> QueuePolicy {
        if let policy = queues[name] { return policy }
        var message = "unknown queue '\(name)': queues.yaml defines \(queueNames.joined(separator: ", "))"
        if let workQueue = workQueue(behind: name) {
            message += " (name the work queue: \(workQueue))"
        }
        throw .usage(message)
    }

    /// The policies of the queues an operator named, in the order named; every queue when
    /// none is named.
    func knownPolicies(_ names: [String]) throws(ShopctlError) -> [QueuePolicy] {
        guard !names.isEmpty else { return queueNames.compactMap { queues[$0] } }
        var policies: [QueuePolicy] = []
        for name in names where !policies.contains(where: { $0.name == name }) {
            policies.append(try knownPolicy(name))
        }
        return policies
    }

    /// The work queue that `name` belongs to, when it is one of its retry or dead queues.
    private func workQueue(behind name: String) -> String? {
        queues.values.first { policy in
            name == policy.deadLetterQueue || policy.declarations.contains { $0.name == name }
        }?.name
    }
}
