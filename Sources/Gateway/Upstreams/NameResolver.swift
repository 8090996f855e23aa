#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOPosix

/// Resolves a host name to the IP addresses a TCP connection could go to.
protocol NameResolver: Sendable {
    /// Every address of `host`, IPv4 and IPv6, as text (`10.0.0.7`, `fd00::7`), deduplicated
    /// and sorted (so the order does not change when a DNS server rotates it).
    func addresses(of host: String) async throws(NameResolutionError) -> [String]
}

/// A name did not resolve.
struct NameResolutionError: Error, CustomStringConvertible, Equatable {
    let host: String
    let reason: String

    var description: String { "cannot resolve \(host): \(reason)" }
}

/// The system's resolver (`getaddrinfo`: `/etc/hosts`, then DNS, as `nsswitch.conf` says),
/// called on NIO's blocking thread pool, never on an event loop.
struct SystemNameResolver: NameResolver {
    let threadPool: NIOThreadPool

    init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    func addresses(of host: String) async throws(NameResolutionError) -> [String] {
        let result: Result<[String], NameResolutionError>
        do {
            result = try await threadPool.runIfActive { Self.lookUp(host) }
        } catch {
            throw NameResolutionError(host: host, reason: "the resolver's thread pool is not running")
        }
        return try result.get()
    }

    /// `getaddrinfo` for TCP, any family.
    static func lookUp(_ host: String) -> Result<[String], NameResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let list else {
            return .failure(NameResolutionError(host: host, reason: String(cString: gai_strerror(status))))
        }
        defer { freeaddrinfo(list) }
        var addresses = Set<String>()
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let text = IPAddressText.text(of: current.pointee) {
                addresses.insert(text)
            }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else {
            return .failure(NameResolutionError(host: host, reason: "no IPv4 or IPv6 address"))
        }
        return .success(addresses.sorted())
    }
}

/// IP addresses as text.
enum IPAddressText {
    /// Whether `host` is an IPv4 or IPv6 literal (IPv6 with or without brackets).
    static func isLiteral(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, bare, &v4) == 1 || inet_pton(AF_INET6, bare, &v6) == 1
    }

    /// The numeric address of one `getaddrinfo` result.
    static func text(of info: addrinfo) -> String? {
        guard let address = info.ai_addr else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch info.ai_family {
        case AF_INET:
            var ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            guard inet_ntop(AF_INET, &ip, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        case AF_INET6:
            var ip = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            guard inet_ntop(AF_INET6, &ip, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        default:
            return nil
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
