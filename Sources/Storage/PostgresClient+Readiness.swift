import PostgresNIO

extension PostgresClient {
    /// Whether the server answers a trivial query now: for `/ready`.
    public func isReachable() async -> Bool {
        do {
            try await query("SELECT 1")
            return true
        } catch {
            return false
        }
    }
}
