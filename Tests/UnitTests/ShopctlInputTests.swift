import Foundation
import Messaging
import Testing

@testable import shopctl

@Suite("shopctl: queue names and message contracts")
struct ShopctlInputTests {
    static let queues = """
        queues:
          checkout: {}
          send-email: {}
        """

    @Test("unknown queues are refused (exit 64) with the known ones, and a retry or dead queue points to its work queue")
    func queueNames() throws {
        let configuration = try QueuesConfiguration(yaml: Self.queues)
        #expect(try configuration.knownPolicy("checkout").name == "checkout")
        #expect(try configuration.knownPolicies([]).map(\.name) == ["checkout", "send-email"])
        #expect(try configuration.knownPolicies(["send-email", "checkout", "send-email"]).map(\.name) == ["send-email", "checkout"])

        let unknown = #expect(throws: ShopctlError.self) { try configuration.knownPolicy("orders") }
        #expect(unknown?.kind == .usage)
        #expect(unknown?.exitCode.rawValue == 64)
        #expect(unknown?.message == "unknown queue 'orders': queues.yaml defines checkout, send-email")
        let dead = #expect(throws: ShopctlError.self) { try configuration.knownPolicy("checkout.dead") }
        #expect(dead?.message.hasSuffix("(name the work queue: checkout)") == true)
        let retry = #expect(throws: ShopctlError.self) { try configuration.knownPolicy("send-email.retry.2s") }
        #expect(retry?.message.hasSuffix("(name the work queue: send-email)") == true)
    }

    @Test("a contract checks type and body the way the worker decodes them")
    func contracts() throws {
        let orderID = UUID()
        let checkout = try #require(MessageContract.named("checkout"))
        let reserved = #"{"orderId":"\#(orderID.uuidString)"}"#
        #expect(try checkout.validate(body: Array(reserved.utf8), type: "inventory.reserved") == .init(type: "inventory.reserved", orderID: orderID))

        let noType = #expect(throws: ShopctlError.self) { try checkout.validate(body: Array(reserved.utf8), type: nil) }
        #expect(noType?.kind == .usage)
        #expect(noType?.message.contains("order.placed, inventory.reserved, inventory.rejected") == true)
        let wrongType = #expect(throws: ShopctlError.self) { try checkout.validate(body: Array(reserved.utf8), type: "email.send") }
        #expect(wrongType?.message.contains("no message type 'email.send'") == true)
        let missing = #expect(throws: ShopctlError.self) { try checkout.validate(body: Array(reserved.utf8), type: "order.placed") }
        #expect(missing?.message.contains("userId: is required") == true, "\(String(describing: missing))")

        let email = try #require(MessageContract.named("send-email"))
        let message = #"{"idempotencyKey":"k","to":"a@example.com","template":"order-confirmed","variables":{}}"#
        #expect(try email.validate(body: Array(message.utf8), type: nil) == .init(type: "email.send", orderID: nil), "the only type is the default")
        let template = #expect(throws: ShopctlError.self) {
            try email.validate(body: Array(message.replacingOccurrences(of: "order-confirmed", with: "welcome").utf8), type: nil)
        }
        #expect(template?.message.contains("template") == true)

        #expect(MessageContract.names == ["checkout", "update-inventory", "clear-cart", "send-email"])
        #expect(MessageContract.named("orders") == nil)
    }

    @Test("every type a contract lists is one its decoder accepts")
    func contractTypesDecode() {
        for contract in MessageContract.all {
            for type in contract.types {
                // An empty object fails on a missing field, never on the type.
                let error = #expect(throws: ShopctlError.self) { try contract.validate(body: Array("{}".utf8), type: type) }
                #expect(error?.message.contains("is required") == true, "\(contract.queue.rawValue) \(type): \(String(describing: error))")
            }
        }
    }
}

@Suite("shopctl: output")
struct ShopctlOutputTests {
    @Test("a dead-lettered message shows its fields; text cuts the body, JSON keeps it whole with nulls for what is absent")
    func deadLetteredMessage() throws {
        var properties = MessageProperties(messageID: "m-1", type: "cart.clear")
        properties.headers = [
            "x-attempt": 3, "x-failure-reason": "line one\nline two", "x-delivery-count": 2,
            "x-failed-at": "2025-01-01T10:00:02.000Z",
            "x-failures": .array(["2025-01-01T10:00:00.000Z", "2025-01-01T10:00:01.000Z", "2025-01-01T10:00:02.000Z"]),
        ]
        let body = String(repeating: "b", count: 500)
        let message = DeadLetteredMessage(Delivery(deliveryTag: 1, routingKey: "q.dead", properties: properties, body: Array(body.utf8)), position: 1)
        #expect(message.attempts == 3)
        #expect(message.deliveryCount == 2)
        let text = message.text(bodyWidth: 20)
        #expect(text.contains("1. cart.clear  id m-1  correlation (none)  attempt 3"))
        #expect(text.contains("reason: line one line two"))
        #expect(text.contains("failed 2025-01-01T10:00:02.000Z by (worker unknown); earlier failures 2025-01-01T10:00:00.000Z, 2025-01-01T10:00:01.000Z"))
        #expect(message.failures.count == 3)
        #expect(text.contains("body: \(String(repeating: "b", count: 20)) … (500 bytes; --json shows it whole)"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(CommandOutput.encode(message).utf8)) as? [String: Any])
        #expect(json["body"] as? String == body)
        #expect(json["correlationId"] is NSNull)
        #expect(json["bodyEncoding"] as? String == "utf8")

        let binary = DeadLetteredMessage(Delivery(deliveryTag: 2, routingKey: "q.dead", body: [0xff, 0xfe]), position: 2)
        #expect(binary.bodyEncoding == "base64")
        #expect(binary.body == "//4=")
    }

    @Test("text tables pad columns and right-align numbers")
    func table() {
        let table = TextTable(header: ["QUEUE", "READY"], rows: [["checkout", "5"], ["q", "120"]], rightAligned: [1])
        #expect(table.rendered == "QUEUE     READY\ncheckout      5\nq           120")
    }

    @Test("the management URL's credentials are used and dropped from the base URL; the vhost is one encoded segment")
    func managementURL() throws {
        let api = try ManagementAPI(url: "http://ops:s%40cret@127.0.0.1:15672/", username: "shop", password: "shop", virtualHost: "/", client: .shared)
        #expect(api.baseURL == "http://127.0.0.1:15672")
        #expect(ManagementAPI.segment("/") == "%2F")
        #expect(ManagementAPI.segment("checkout.retry.1s") == "checkout.retry.1s")
        #expect(ManagementAPI.redacted("http://ops:secret@h:1") == "http://ops:***@h:1")
        let error = #expect(throws: ShopctlError.self) { try ManagementAPI(url: "ftp://h", username: "u", password: "p", virtualHost: "/", client: .shared) }
        #expect(error?.kind == .failure)
    }
}
