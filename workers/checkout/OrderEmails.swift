import Contracts
import OrdersCore

/// The emails the saga sends about an order, with the variables their templates render.
enum OrderEmails {
    static func confirmed(_ order: Order) -> SendEmail {
        SendEmail(
            idempotencyKey: "order-confirmed:\(order.id.uuidString)",
            to: order.email,
            template: .orderConfirmed,
            variables: variables(of: order)
        )
    }

    static func rejected(_ order: Order, reason: String) -> SendEmail {
        var variables = variables(of: order)
        variables["reason"] = .string(reason)
        return SendEmail(
            idempotencyKey: "order-rejected:\(order.id.uuidString)",
            to: order.email,
            template: .orderRejected,
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
