import Contracts
import Foundation

// Decoding speed of `MessageJSONDecoder` against Foundation's `JSONDecoder` (as `MessageCoding`
// configured it), on three real message bodies. Both decoders live in other modules than this
// one, as in the workers, so neither is specialised for these types.
//
//   swift run -c release bench-json-decode [DECODES_PER_ROUND] [ROUNDS]
//
// Rounds alternate the decoders; the table gives the median time per decode of each and their
// ratio, and exits 1 if the two decoders ever disagree on a value.

struct Ping: Codable, Equatable {
    var n: Int
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let decodesPerRound = arguments.first ?? 100_000
let rounds = arguments.dropFirst().first ?? 5

let foundation = MessageCoding.decoder
let ours = MessageJSONDecoder()

/// One body to decode as `T`: its name in the table and a round of each decoder.
struct Case {
    let name: String
    let bytes: Int
    let foundationRound: () -> Void
    let oursRound: () -> Void
    let agree: () -> Bool

    init<T: Decodable & Equatable>(_ name: String, _ type: T.Type, _ body: [UInt8]) {
        self.name = name
        self.bytes = body.count
        let data = Data(body)
        foundationRound = {
            for _ in 0..<decodesPerRound { _ = try! foundation.decode(T.self, from: data) }
        }
        oursRound = {
            for _ in 0..<decodesPerRound { _ = try! ours.decode(T.self, from: body) }
        }
        agree = { (try? foundation.decode(T.self, from: data)) == (try? ours.decode(T.self, from: body)) }
    }
}

let orderPlaced = OrderPlaced(
    orderId: UUID(), userId: UUID(), lines: [StockLine(productId: UUID(), quantity: 2), StockLine(productId: UUID(), quantity: 1)]
)
let sendEmail = SendEmail(
    idempotencyKey: "order-confirmed:\(UUID())", to: "customer@example.com", template: .orderConfirmed,
    variables: [
        "orderId": .string(UUID().uuidString), "total": "24.00 EUR",
        "lines": [["name": "Mug", "sku": "MUG-1", "quantity": 2, "unitPrice": "12.00 EUR", "lineTotal": "24.00 EUR"]],
    ]
)
let cases = [
    Case("bench.ping {\"n\":17}", Ping.self, Array(#"{"n":17}"#.utf8)),
    Case("order.placed, 2 lines", OrderPlaced.self, try orderPlaced.encodedBody()),
    Case("email.send, order-confirmed", SendEmail.self, try sendEmail.encodedBody()),
]

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let (whole, fraction) = (ContinuousClock.now - start).components
    return Double(whole) + Double(fraction) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

print("\(decodesPerRound) decodes per round, \(rounds) rounds, alternating; medians per decode\n")
print("| body | bytes | Foundation JSONDecoder µs | MessageJSONDecoder µs | Foundation / ours |")
print("| --- | ---: | ---: | ---: | ---: |")
var disagreed = false
for benchCase in cases {
    guard benchCase.agree() else {
        print("| \(benchCase.name) | the decoders disagree | | | |")
        disagreed = true
        continue
    }
    benchCase.foundationRound()  // warm-up, unrecorded
    benchCase.oursRound()
    var foundationTimes: [Double] = []
    var ourTimes: [Double] = []
    for round in 0..<rounds {
        if round % 2 == 0 {
            foundationTimes.append(seconds(benchCase.foundationRound))
            ourTimes.append(seconds(benchCase.oursRound))
        } else {
            ourTimes.append(seconds(benchCase.oursRound))
            foundationTimes.append(seconds(benchCase.foundationRound))
        }
    }
    let foundationMicroseconds = median(foundationTimes) / Double(decodesPerRound) * 1e6
    let ourMicroseconds = median(ourTimes) / Double(decodesPerRound) * 1e6
    print(
        "| \(benchCase.name) | \(benchCase.bytes) | \(String(format: "%.2f", foundationMicroseconds)) | "
            + "\(String(format: "%.2f", ourMicroseconds)) | \(String(format: "%.1f", foundationMicroseconds / ourMicroseconds)) |"
    )
}
exit(disagreed ? 1 : 0)
