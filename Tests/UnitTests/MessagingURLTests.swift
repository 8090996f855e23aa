import Testing

@testable import Messaging

@Suite("AMQP URL parsing")
struct MessagingURLTests {
    @Test("the shop's AMQP_URL")
    func shopURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://shop:shop@127.0.0.1:5672/%2F", connectionName: "orders")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5672)
        #expect(configuration.username == "shop")
        #expect(configuration.password == "shop")
        #expect(configuration.virtualHost == "/")
        #expect(configuration.connectionName == "orders")
        #expect(configuration.heartbeat == .seconds(30))
    }

    @Test("defaults, percent-decoding, IPv6 and the heartbeat parameter")
    func variants() throws {
        let bare = try AMQPURL(parsing: "amqp://rabbit")
        #expect(bare == AMQPURL(host: "rabbit", port: 5672, username: "guest", password: "guest", virtualHost: "/", heartbeatSeconds: nil))

        let encoded = try AMQPURL(parsing: "amqp://us%40er:p%3Ass%2Fw@broker.local:5699/shop%2Dvh?heartbeat=5")
        #expect(encoded.username == "us@er")
        #expect(encoded.password == "p:ss/w")
        #expect(encoded.virtualHost == "shop-vh")
        #expect(encoded.port == 5699)
        #expect(encoded.heartbeatSeconds == 5)

        let ipv6 = try AMQPURL(parsing: "amqp://u:p@[::1]:5673/")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5673)
        #expect(ipv6.virtualHost == "/")

        let configuration = try AMQPConfiguration(url: "amqp://u:p@h/?heartbeat=2", connectionName: "t")
        #expect(configuration.heartbeat == .seconds(2))
    }

    static let invalidURLs: [(url: String, reason: String)] = [
        ("rabbit:5672", "expected amqp://"),
        ("amqps://u:p@h/", "unsupported scheme 'amqps'"),
        ("amqp://u:p@h:notaport/", "the port must be a number"),
        ("amqp://u:p@h:70000/", "the port must be a number"),
        ("amqp://u:p@/", "the host is missing"),
        ("amqp://u:p@h/a/b", "one percent-encoded path segment"),
        ("amqp://u:p%zz@h/", "password is not validly percent-encoded"),
        ("amqp://u:p@h/?heartbeat=soon", "heartbeat must be a whole number"),
        ("amqp://u:p@h/?frame_max=1", "unknown query parameter 'frame_max'"),
    ]

    @Test("invalid URLs say why", arguments: invalidURLs)
    func invalid(example: (url: String, reason: String)) {
        let error = #expect(throws: AMQPError.self) { try AMQPConfiguration(url: example.url, connectionName: "t") }
        #expect(error?.description.contains(example.reason) == true, "\(error?.description ?? "no error")")
    }

    @Test("passwords never appear in errors or descriptions")
    func redaction() throws {
        let error = #expect(throws: AMQPError.self) {
            try AMQPConfiguration(url: "amqp://shop:s3cret-pw@h:bad/", connectionName: "t")
        }
        #expect(error?.description.contains("s3cret-pw") == false)
        #expect(error?.description.contains("amqp://shop:***@h:bad/") == true)

        let configuration = try AMQPConfiguration(url: "amqp://shop:s3cret-pw@h:5672/%2F", connectionName: "t")
        #expect(!configuration.description.contains("s3cret-pw"))
        #expect(configuration.description == "amqp://shop@h:5672/%2F (t)")
    }
}
