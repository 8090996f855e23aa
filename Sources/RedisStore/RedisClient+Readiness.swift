extension RedisClient {
    /// Whether Redis answers `PING` now: for `/ready`.
    public func isReachable() async -> Bool {
        do {
            try await ping()
            return true
        } catch {
            return false
        }
    }
}
