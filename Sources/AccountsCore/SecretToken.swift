import Crypto
import Foundation

/// A random secret handed to a client once (a verification code, a refresh token's secret):
/// only its SHA-256 digest is stored, so a leaked table or Redis dump reveals no usable token.
public struct SecretToken: Sendable, Hashable {
    /// The secret as the client sees it: lowercase hex.
    public let value: String

    /// A new random token of `byteCount` bytes from the system's secure generator.
    public init(byteCount: Int = 16) {
        var generator = SystemRandomNumberGenerator()
        self.value = Self.hex((0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// The SHA-256 digest of the token, as stored.
    public var digest: String { Self.digest(of: value) }

    /// The SHA-256 digest of any presented token, to look it up.
    public static func digest(of value: String) -> String {
        hex(Array(SHA256.hash(data: Array(value.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
