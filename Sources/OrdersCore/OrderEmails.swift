import Contracts
import Foundation

/// The emails sent about an order, with the variables their templates render (see
/// ``EmailTemplate``). Each has an idempotency key per order and kind: sent once.
public enum OrderEmails {
    public static func confirmed(_ order: Order) -> SendEmail {
        SendEmail(
            idempotencyKey: "order-confirmed:\(order.id.uuidString)",
            to: order.email,
            template: .orderConfirmed,
            variables: variables(of: order)
        )
    }

    public static func rejected(_ order: Order, reason: String) -> SendEmail {
        var variables = variables(of: order)
        variables["reason"] = .string(reason)
        return SendEmail(
            idempotencyKey: "order-rejected:\(order.id.uuidString)",
            to: order.email,
            template: .orderRejected,
            variables: variables
        )
    }

    public static func paymentFailed(_ order: Order) -> SendEmail {
        SendEmail(
            idempotencyKey: "payment-failed:\(order.id.uuidString)",
            to: order.email,
            template: .paymentFailed,
            variables: [
                "orderId": .string(order.id.uuidString),
                "total": .string(order.dto.total.formatted),
                "reason": .string(order.dto.statusReason ?? "payment declined"),
            ]
        )
    }

    /// `refund`: the amount given back, when a charge was captured.
    public static func cancelled(_ order: Order, refund: Money?) -> SendEmail {
        var variables: [String: JSONValue] = [
            "orderId": .string(order.id.uuidString),
            "reason": .string(order.dto.statusReason ?? "cancelled"),
        ]
        if let refund {
            variables["refund"] = .string(refund.formatted)
        }
        return SendEmail(
            idempotencyKey: "order-cancelled:\(order.id.uuidString)",
            to: order.email,
            template: .orderCancelled,
            variables: variables
        )
    }

    /// The `order-shipped` email, with the order's tracking number if it has one.
    public static func shipped(_ order: Order) -> SendEmail {
        var variables = variables(of: order)
        if let trackingNumber = order.dto.trackingNumber {
            variables["trackingNumber"] = .string(trackingNumber)
        }
        return SendEmail(
            idempotencyKey: "order-shipped:\(order.id.uuidString)",
            to: order.email,
            template: .orderShipped,
            variables: variables
        )
    }

    private static func variables(of order: Order) -> [String: JSONValue] {
        [
            "orderId": .string(order.id.uuidString),
            "total": .string(order.dto.total.formatted),
            "lines": .array(
                order.dto.lines.map { line in
                    [
                        "name": .string(line.name),
                        "sku": .string(line.sku),
                        "quantity": .int(line.quantity),
                        "unitPrice": .string(line.unitPrice.formatted),
                        "lineTotal": .string(line.lineTotal.formatted),
                    ]
                }
            ),
        ]
    }
}
