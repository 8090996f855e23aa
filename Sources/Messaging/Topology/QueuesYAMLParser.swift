internal import Yams

/// Reads `queues.yaml` into policies: per-queue keys overlay `defaults`, which overlay the
/// built-in defaults. Every error names its key path.
enum QueuesYAMLParser {
    /// A policy without its name: what `defaults` and each queue's keys overlay.
    struct Fields {
        var prefetch: UInt16
        var concurrency: Int
        var maxAttempts: Int
        var deliveryLimit: Int
        var backoff: BackoffPolicy
        var batch: BatchPolicy?
    }

    /// The defaults when `queues.yaml` has no `defaults` section (the values it documents).
    static let builtInDefaults = Fields(
        prefetch: 16, concurrency: 8, maxAttempts: 5, deliveryLimit: 20,
        backoff: BackoffPolicy(initial: .seconds(1), multiplier: 2, max: .seconds(60), jitter: 0.2),
        batch: nil
    )

    private static let policyKeys = ["prefetch", "concurrency", "maxAttempts", "deliveryLimit", "backoff", "batch"]
    private static let backoffKeys = ["initial", "multiplier", "max", "jitter"]
    private static let batchKeys = ["size", "wait"]

    static func parse(_ yaml: String) throws(QueuesConfigurationError) -> [String: QueuePolicy] {
        let document: Node?
        do {
            // `.basic`: no tag resolution. Every value is read as text and converted here, so
            // the default resolver's regular expressions (Foundation's, backed by ICU and its
            // data: about 1.5 MB more resident memory in every worker) are never built.
            document = try Yams.compose(yaml: yaml, .basic)
        } catch {
            throw QueuesConfigurationError(keyPath: "", problem: "not valid YAML: \(error)")
        }
        guard let root = document?.mapping else {
            throw QueuesConfigurationError(keyPath: "", problem: "expected a mapping with the keys defaults and queues")
        }
        let top = try entries(of: root, path: "", allowed: ["defaults", "queues"])

        var defaults = builtInDefaults
        if let node = top["defaults"] {
            defaults = try overlay(node, on: defaults, path: "defaults")
        }
        guard let queuesNode = top["queues"] else {
            throw QueuesConfigurationError(keyPath: "queues", problem: "missing: define at least one queue")
        }
        guard let queues = queuesNode.mapping, !queues.isEmpty else {
            throw QueuesConfigurationError(keyPath: "queues", problem: "expected a mapping of queue names to policies, with at least one queue")
        }

        var policies: [String: QueuePolicy] = [:]
        for (key, value) in queues {
            guard let name = key.scalar?.string else {
                throw QueuesConfigurationError(keyPath: "queues", problem: "queue names must be plain strings")
            }
            let path = "queues.\(name)"
            try validateQueueName(name, path: path)
            guard policies[name] == nil else {
                throw QueuesConfigurationError(keyPath: path, problem: "the queue is defined twice")
            }
            let fields = try overlay(value, on: defaults, path: path)
            policies[name] = QueuePolicy(
                name: name, prefetch: fields.prefetch, concurrency: fields.concurrency, maxAttempts: fields.maxAttempts,
                deliveryLimit: fields.deliveryLimit, backoff: fields.backoff, batch: fields.batch
            )
        }
        return policies
    }

    /// `base` with the keys `node` sets replaced; `node` may be null (no overrides).
    private static func overlay(_ node: Node, on base: Fields, path: String) throws(QueuesConfigurationError) -> Fields {
        if isNull(node) { return base }
        guard let mapping = node.mapping else {
            throw QueuesConfigurationError(keyPath: path, problem: "expected a mapping of policy keys, got \(describe(node))")
        }
        var fields = base
        for (key, value) in try entries(of: mapping, path: path, allowed: policyKeys) {
            let keyPath = "\(path).\(key)"
            switch key {
            case "prefetch":
                fields.prefetch = UInt16(try integer(value, path: keyPath, in: 1...65535))
            case "concurrency":
                fields.concurrency = try integer(value, path: keyPath, in: 1...10_000)
            case "maxAttempts":
                fields.maxAttempts = try integer(value, path: keyPath, in: 1...1000)
            case "deliveryLimit":
                fields.deliveryLimit = try integer(value, path: keyPath, in: 1...1_000_000)
            case "backoff":
                fields.backoff = try overlay(value, on: fields.backoff, path: keyPath)
            default:  // "batch"
                fields.batch = isNull(value) ? nil : try overlay(value, on: fields.batch, path: keyPath)
            }
        }
        return fields
    }

    private static func overlay(_ node: Node, on base: BackoffPolicy, path: String) throws(QueuesConfigurationError) -> BackoffPolicy {
        guard let mapping = node.mapping else {
            throw QueuesConfigurationError(keyPath: path, problem: "expected a mapping with initial, multiplier, max and jitter, got \(describe(node))")
        }
        var backoff = base
        for (key, value) in try entries(of: mapping, path: path, allowed: backoffKeys) {
            let keyPath = "\(path).\(key)"
            switch key {
            case "initial":
                backoff.initial = try duration(value, path: keyPath)
            case "max":
                backoff.max = try duration(value, path: keyPath)
            case "multiplier":
                let multiplier = try number(value, path: keyPath)
                guard multiplier >= 1, multiplier <= 100 else {
                    throw QueuesConfigurationError(keyPath: keyPath, problem: "must be from 1 to 100, got \(multiplier)")
                }
                backoff.multiplier = multiplier
            default:  // "jitter"
                let jitter = try number(value, path: keyPath)
                guard jitter >= 0, jitter < 1 else {
                    throw QueuesConfigurationError(keyPath: keyPath, problem: "must be at least 0 and less than 1, got \(jitter)")
                }
                backoff.jitter = jitter
            }
        }
        guard backoff.max >= backoff.initial else {
            throw QueuesConfigurationError(
                keyPath: "\(path).max",
                problem: "must be at least backoff.initial (\(DurationText.format(backoff.initial))), got \(DurationText.format(backoff.max))"
            )
        }
        return backoff
    }

    private static func overlay(_ node: Node, on base: BatchPolicy?, path: String) throws(QueuesConfigurationError) -> BatchPolicy {
        guard let mapping = node.mapping else {
            throw QueuesConfigurationError(keyPath: path, problem: "expected a mapping with size and wait (or null for no batching), got \(describe(node))")
        }
        let given = try entries(of: mapping, path: path, allowed: batchKeys)
        var size = base?.size
        var wait = base?.wait
        if let value = given["size"] { size = try integer(value, path: "\(path).size", in: 1...10_000) }
        if let value = given["wait"] { wait = try duration(value, path: "\(path).wait") }
        guard let size else { throw QueuesConfigurationError(keyPath: "\(path).size", problem: "missing") }
        guard let wait else { throw QueuesConfigurationError(keyPath: "\(path).wait", problem: "missing") }
        return BatchPolicy(size: size, wait: wait)
    }

    // MARK: Scalars and keys

    /// The mapping's entries by key, rejecting unknown and duplicate keys.
    private static func entries(of mapping: Node.Mapping, path: String, allowed: [String]) throws(QueuesConfigurationError) -> [String: Node] {
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw QueuesConfigurationError(keyPath: path, problem: "keys must be plain strings")
            }
            let keyPath = path.isEmpty ? key : "\(path).\(key)"
            guard allowed.contains(key) else {
                throw QueuesConfigurationError(keyPath: keyPath, problem: "unknown key (expected one of: \(allowed.joined(separator: ", ")))")
            }
            guard result[key] == nil else {
                throw QueuesConfigurationError(keyPath: keyPath, problem: "the key appears twice")
            }
            result[key] = value
        }
        return result
    }

    private static func integer(_ node: Node, path: String, in range: ClosedRange<Int>) throws(QueuesConfigurationError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text), range.contains(value) else {
            throw QueuesConfigurationError(
                keyPath: path, problem: "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \(describe(node))"
            )
        }
        return value
    }

    private static func number(_ node: Node, path: String) throws(QueuesConfigurationError) -> Double {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            throw QueuesConfigurationError(keyPath: path, problem: "expected a number, got \(describe(node))")
        }
        return value
    }

    private static func duration(_ node: Node, path: String) throws(QueuesConfigurationError) -> Duration {
        guard let text = node.scalar?.string, let value = DurationText.parse(text) else {
            throw QueuesConfigurationError(keyPath: path, problem: "expected a duration like 250ms, 1s or 5m, got \(describe(node))")
        }
        return value
    }

    private static func validateQueueName(_ name: String, path: String) throws(QueuesConfigurationError) {
        guard !name.isEmpty, name.utf8.count <= 200 else {
            throw QueuesConfigurationError(keyPath: path, problem: "queue names must be 1 to 200 bytes long")
        }
        guard !name.hasPrefix("amq.") else {
            throw QueuesConfigurationError(keyPath: path, problem: "names starting with 'amq.' are reserved by RabbitMQ")
        }
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw QueuesConfigurationError(keyPath: path, problem: "queue names may contain only letters, digits, '-', '_' and '.'")
        }
    }

    /// Whether the node is a plain null (`~`, `null`, or nothing), not the string 'null'.
    private static func isNull(_ node: Node) -> Bool {
        node.null != nil
    }

    /// How a node looks in an error message: a scalar's text in quotes, else its kind.
    private static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
