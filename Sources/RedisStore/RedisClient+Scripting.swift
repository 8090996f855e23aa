extension RedisClient {
    /// Runs a Lua script: `EVALSHA` first (only the digest crosses the network), then `EVAL`
    /// with the full source if Redis answers `NOSCRIPT` (script cache flushed or server restarted).
    /// - Returns: The script's reply.
    /// - Throws: ``RedisError/server(message:command:)`` if the script fails.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws -> RedisValue {
        let tail = [String(keys.count)] + keys + arguments
        do {
            return try await send("EVALSHA", [script.sha1] + tail)
        } catch RedisError.server(let message, _) where message.hasPrefix("NOSCRIPT") {
            return try await send("EVAL", [script.source] + tail)
        }
    }
}
