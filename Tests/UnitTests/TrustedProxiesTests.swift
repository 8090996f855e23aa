import Testing

@testable import ServiceKit

@Suite("Trusted proxies and the client address")
struct TrustedProxiesTests {
    let loopback = try! TrustedProxies(list: "127.0.0.1, ::1")

    @Test("from a trusted peer, the nearest untrusted hop of X-Forwarded-For is the client")
    func trustedPeer() {
        #expect(loopback.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        // A client's own X-Forwarded-For entry cannot hide its address: the gateway appended it.
        #expect(loopback.clientAddress(peer: "127.0.0.1", forwardedFor: ["6.6.6.6, 203.0.113.9"]) == "203.0.113.9")
        // Trusted hops (the test client on loopback, another proxy) are skipped.
        #expect(loopback.clientAddress(peer: "::1", forwardedFor: ["198.51.100.7, 2001:DB8::1", "127.0.0.1"]) == "2001:db8::1")
        #expect(loopback.clientAddress(peer: "::ffff:127.0.0.1", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
    }

    @Test("from any other peer the header is ignored; without a header the peer is the client")
    func untrustedPeer() {
        #expect(loopback.clientAddress(peer: "203.0.113.50", forwardedFor: ["1.2.3.4"]) == "203.0.113.50")
        #expect(loopback.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(loopback.clientAddress(peer: nil, forwardedFor: ["1.2.3.4"]) == "unknown")
    }

    @Test("IPv4 CIDR blocks; bad entries are refused naming TRUSTED_PROXIES")
    func blocks() throws {
        let docker = try TrustedProxies(list: "172.16.0.0/12,10.0.0.0/8")
        #expect(docker.contains("172.18.0.5") && docker.contains("10.200.1.1"))
        #expect(!docker.contains("172.32.0.1") && !docker.contains("192.168.1.1") && !docker.contains("::1"))
        #expect(docker.clientAddress(peer: "172.18.0.5", forwardedFor: ["203.0.113.9"]) == "203.0.113.9")
        #expect(throws: SettingsError.self) { try TrustedProxies(list: "10.0.0.0/33") }
        #expect(throws: SettingsError.self) { try TrustedProxies(list: "not-an-ip/8") }
    }
}
