import Crypto

/// A Lua script for `EVALSHA`/`EVAL`, with its SHA1 digest computed locally once.
///
/// Define scripts as constants (`static let reserve = RedisScript("...")`) and run them with
/// ``RedisClient/evaluate(_:keys:arguments:)``.
public struct RedisScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The lowercase hex SHA1 of ``source``: the name Redis caches the script under.
    public let sha1: String

    /// Wraps Lua source and computes its SHA1.
    public init(_ source: String) {
        self.source = source
        self.sha1 = Insecure.SHA1.hash(data: Array(source.utf8))
            .map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }
            .joined()
    }
}
