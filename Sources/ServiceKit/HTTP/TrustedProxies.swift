import Configuration
import HTTPTypes
import Hummingbird

/// The peers allowed to say who the client is with `X-Forwarded-For` (the gateway, a load
/// balancer): exact addresses or IPv4 CIDR blocks, from `TRUSTED_PROXIES` (comma-separated,
/// default loopback `127.0.0.1,::1`). A header from any other peer is ignored: the client is
/// then the socket's peer itself.
public struct TrustedProxies: Sendable, Hashable {
    enum Entry: Sendable, Hashable {
        case exact(String)
        case ipv4Block(network: UInt32, mask: UInt32)
    }

    let entries: [Entry]

    /// Parses `127.0.0.1, ::1, 10.0.0.0/8`; throws naming the bad entry.
    public init(list: String) throws(SettingsError) {
        var entries: [Entry] = []
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if let slash = item.firstIndex(of: "/") {
                guard let network = Self.ipv4(String(item[..<slash])), let bits = Int(item[item.index(after: slash)...]), (0...32).contains(bits)
                else {
                    throw SettingsError(variable: "TRUSTED_PROXIES", reason: "'\(item)' is not an IPv4 CIDR block like 10.0.0.0/8")
                }
                let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
                entries.append(.ipv4Block(network: network & mask, mask: mask))
            } else {
                entries.append(.exact(Self.normalized(item)))
            }
        }
        self.entries = entries
    }

    /// Reads `TRUSTED_PROXIES` (default loopback).
    public init(config: ConfigReader) throws(SettingsError) {
        try self.init(list: config.string(forKey: "trustedProxies", default: "127.0.0.1,::1"))
    }

    /// Whether `address` is one of the trusted proxies.
    public func contains(_ address: String) -> Bool {
        let address = Self.normalized(address)
        let numeric = Self.ipv4(address)
        return entries.contains { entry in
            switch entry {
            case .exact(let trusted): trusted == address
            case .ipv4Block(let network, let mask): numeric.map { $0 & mask == network } ?? false
            }
        }
    }

    /// The client's address: walking `X-Forwarded-For` from the right (the hop nearest to us)
    /// while the sender of each hop is trusted; the socket peer when it is not a trusted proxy.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        guard var client = peer.map(Self.normalized) else { return "unknown" }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { Self.normalized($0.trimmingCharacters(in: .whitespaces)) }
        for hop in hops.reversed() where contains(client) && !hop.isEmpty {
            client = hop
        }
        return client
    }

    static func normalized(_ address: String) -> String {
        let lowered = address.lowercased()
        return lowered.hasPrefix("::ffff:") && ipv4(String(lowered.dropFirst(7))) != nil ? String(lowered.dropFirst(7)) : lowered
    }

    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }
}

extension ShopRequestContext {
    /// The client's IP address: from `X-Forwarded-For` when the peer is a trusted proxy, else
    /// the socket's peer (see ``TrustedProxies``).
    public func clientAddress(of request: Request, trusting proxies: TrustedProxies) -> String {
        let forwarded = request.headers[values: TrustedProxies.forwardedFor]
        return proxies.clientAddress(peer: remoteAddress, forwardedFor: forwarded)
    }
}

extension TrustedProxies {
    /// `X-Forwarded-For`.
    public static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}
