extension RedisClient {
    /// `DEL`: removes the keys and returns how many existed. An empty list sends nothing.
    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return Int(try await integerReply("DEL", keys))
    }

    /// `EXISTS`: whether `key` exists.
    public func exists(_ key: String) async throws -> Bool {
        try await integerReply("EXISTS", [key]) == 1
    }

    /// `PEXPIRE`: sets a time to live on `key` (millisecond precision, rounded up).
    /// - Returns: `false` if the key does not exist.
    @discardableResult
    public func expire(_ key: String, in timeToLive: Duration) async throws -> Bool {
        try await integerReply("PEXPIRE", [key, String(timeToLive.totalMillisecondsRoundedUp)]) == 1
    }

    /// `PTTL`: the remaining time to live of `key`, or `nil` if the key does not exist or has no expiry.
    public func timeToLive(_ key: String) async throws -> Duration? {
        let milliseconds = try await integerReply("PTTL", [key])
        return milliseconds >= 0 ? .milliseconds(milliseconds) : nil
    }

    /// `SCAN cursor MATCH pattern COUNT count`, iterated until the cursor returns to 0.
    ///
    /// Returns every key matching the glob `pattern` (each once, in the order first seen). Keys
    /// added or removed during the scan may or may not appear, as `SCAN` guarantees.
    /// - Parameter count: The `COUNT` hint: how much work Redis does per round trip.
    public func scan(match pattern: String, count: Int = 100) async throws -> [String] {
        var cursor = "0"
        var seen = Set<String>()
        var keys: [String] = []
        repeat {
            let reply = try await send("SCAN", [cursor, "MATCH", pattern, "COUNT", String(max(1, count))])
            guard let page = reply.array, page.count == 2, let next = page[0].string, let batch = page[1].array else {
                throw RedisError.unexpectedReply(command: "SCAN", reply)
            }
            for element in batch {
                guard let key = element.string else { throw RedisError.unexpectedReply(command: "SCAN", reply) }
                if seen.insert(key).inserted { keys.append(key) }
            }
            cursor = next
        } while cursor != "0"
        return keys
    }

    /// Sends a command whose reply must be an integer.
    func integerReply(_ command: String, _ arguments: [String]) async throws -> Int64 {
        let reply = try await send(command, arguments)
        guard case .integer(let value) = reply else {
            throw RedisError.unexpectedReply(command: command, reply)
        }
        return value
    }
}
