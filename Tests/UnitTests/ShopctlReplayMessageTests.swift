import Foundation
import Messaging
import Testing

@testable import shopctl

@Suite("shopctl: the replay copy of a dead-lettered message")
struct ShopctlReplayMessageTests {
    static func deadDelivery() -> Delivery {
        var properties = MessageProperties(
            messageID: "order.placed:42", correlationID: "order-42", type: "order.placed",
            timestamp: Date(timeIntervalSince1970: 1_700_000_000)
        )
        properties.headers = [
            "x-attempt": .int(5),
            "x-failure-reason": "payment provider timed out",
            "x-failed-at": "2025-01-01T10:00:00Z",
            "x-failures": .array(["2025-01-01T09:59:58.500Z", "2025-01-01T10:00:00.000Z"]),
            "x-failed-by": "checkout@host:1",
            "x-original-queue": "checkout",
            "x-death": .array([.table(["queue": "checkout.retry.1s", "reason": "expired", "count": 1])]),
            "x-first-death-queue": "checkout.retry.1s",
            "x-delivery-count": .int(3),
            "traceparent": "00-aaaa-bbbb-01",
        ]
        properties.expiration = "1000"
        properties.persistent = false
        return Delivery(deliveryTag: 7, routingKey: "checkout.dead", properties: properties, body: Array(#"{"orderId":"42"}"#.utf8))
    }

    @Test("same body, id, type, correlation id, timestamp and other headers; attempt 1; failure headers gone; x-replayed-at added")
    func replayCopy() {
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        let message = Self.deadDelivery().replayMessage(to: "checkout", replayedAt: date)
        #expect(message.exchange == "")
        #expect(message.routingKey == "checkout")
        #expect(message.body == Array(#"{"orderId":"42"}"#.utf8))
        #expect(message.properties.messageID == "order.placed:42")
        #expect(message.properties.correlationID == "order-42")
        #expect(message.properties.type == "order.placed")
        #expect(message.properties.timestamp == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(message.properties.persistent)
        #expect(message.properties.expiration == nil)
        #expect(
            message.properties.headers == [
                "x-attempt": .int(1),
                "x-replayed-at": "2025-06-15T15:06:40.000Z",
                "traceparent": "00-aaaa-bbbb-01",
            ]
        )
    }
}
