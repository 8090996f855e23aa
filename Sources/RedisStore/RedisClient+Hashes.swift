extension RedisClient {
    /// `HGET`: one field of the hash at `key`, or `nil` if the key or field does not exist.
    public func hashGet(_ key: String, field: String) async throws -> String? {
        let reply = try await send("HGET", [key, field])
        if reply.isNull { return nil }
        guard let text = reply.bytes.flatMap({ String(validating: $0, as: UTF8.self) }) else {
            throw RedisError.unexpectedReply(command: "HGET", reply)
        }
        return text
    }

    /// `HSET key field value ...`: sets the fields and returns how many were new. An empty
    /// dictionary sends nothing.
    @discardableResult
    public func hashSet(_ key: String, _ fields: [String: String]) async throws -> Int {
        guard !fields.isEmpty else { return 0 }
        var arguments = [key]
        arguments.reserveCapacity(1 + fields.count * 2)
        for (field, value) in fields {
            arguments.append(field)
            arguments.append(value)
        }
        return Int(try await integerReply("HSET", arguments))
    }

    /// `HGETALL`: every field and value of the hash at `key` (empty if the key does not exist).
    public func hashGetAll(_ key: String) async throws -> [String: String] {
        let reply = try await send("HGETALL", [key])
        guard let elements = reply.array, elements.count.isMultiple(of: 2) else {
            throw RedisError.unexpectedReply(command: "HGETALL", reply)
        }
        var result: [String: String] = [:]
        result.reserveCapacity(elements.count / 2)
        var index = 0
        while index < elements.count {
            guard let field = elements[index].string, let value = elements[index + 1].string else {
                throw RedisError.unexpectedReply(command: "HGETALL", reply)
            }
            result[field] = value
            index += 2
        }
        return result
    }

    /// `HDEL`: removes the fields and returns how many existed. An empty list sends nothing.
    @discardableResult
    public func hashDelete(_ key: String, fields: [String]) async throws -> Int {
        guard !fields.isEmpty else { return 0 }
        return Int(try await integerReply("HDEL", [key] + fields))
    }

    /// `HINCRBY`: adds `amount` to the integer in `field` (missing fields count as 0) and returns the result.
    @discardableResult
    public func hashIncrement(_ key: String, field: String, by amount: Int64) async throws -> Int64 {
        try await integerReply("HINCRBY", [key, field, String(amount)])
    }
}
