extension RedisClient {
    /// `GET`: the value of `key` as text, or `nil` if the key does not exist.
    /// - Throws: ``RedisError/unexpectedReply(command:_:)`` if the value is not valid UTF-8.
    public func get(_ key: String) async throws -> String? {
        let reply = try await send("GET", [key])
        if reply.isNull { return nil }
        guard let text = reply.bytes.flatMap({ String(validating: $0, as: UTF8.self) }) else {
            throw RedisError.unexpectedReply(command: "GET", reply)
        }
        return text
    }

    /// `GET`: the raw bytes stored at `key`, or `nil` if the key does not exist.
    public func getBytes(_ key: String) async throws -> [UInt8]? {
        let reply = try await send("GET", [Array(key.utf8)])
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw RedisError.unexpectedReply(command: "GET", reply) }
        return bytes
    }

    /// `SET key value [PX ms] [NX]`.
    /// - Parameters:
    ///   - expiresIn: A time to live (millisecond precision, rounded up), or `nil` for none.
    ///   - onlyIfAbsent: Set only if the key does not exist yet (`NX`), e.g. for locks and dedupe keys.
    /// - Returns: `true` if the value was stored; `false` if `onlyIfAbsent` and the key existed.
    @discardableResult
    public func set(_ key: String, _ value: String, expiresIn: Duration? = nil, onlyIfAbsent: Bool = false) async throws -> Bool {
        try await set(key, bytes: Array(value.utf8), expiresIn: expiresIn, onlyIfAbsent: onlyIfAbsent)
    }

    /// Binary-safe `SET` (see ``set(_:_:expiresIn:onlyIfAbsent:)``).
    @discardableResult
    public func set(_ key: String, bytes value: [UInt8], expiresIn: Duration? = nil, onlyIfAbsent: Bool = false) async throws -> Bool {
        var arguments: [[UInt8]] = [Array(key.utf8), value]
        if let expiresIn {
            arguments += [Array("PX".utf8), Array(String(expiresIn.totalMillisecondsRoundedUp).utf8)]
        }
        if onlyIfAbsent {
            arguments.append(Array("NX".utf8))
        }
        let reply = try await send("SET", arguments)
        switch reply {
        case .status("OK"): return true
        case .null: return false
        default: throw RedisError.unexpectedReply(command: "SET", reply)
        }
    }

    /// `INCRBY`: adds `amount` to the integer at `key` (missing keys count as 0) and returns the result.
    @discardableResult
    public func increment(_ key: String, by amount: Int64 = 1) async throws -> Int64 {
        let reply = try await send("INCRBY", [key, String(amount)])
        guard case .integer(let value) = reply else { throw RedisError.unexpectedReply(command: "INCRBY", reply) }
        return value
    }
}
