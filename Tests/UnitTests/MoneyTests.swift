import Contracts
import Testing

@Suite("Money")
struct MoneyTests {
    @Test(arguments: [
        (1299, "12.99 EUR"), (5, "0.05 EUR"), (100, "1.00 EUR"), (0, "0.00 EUR"), (-250, "-2.50 EUR"), (123_456_789, "1234567.89 EUR"),
    ])
    func formatsMinorUnits(amount: Int, text: String) {
        #expect(Money(amount: amount, currency: "EUR").formatted == text)
    }

    @Test func multipliesByQuantity() {
        #expect(Money(amount: 1299, currency: "EUR").times(3) == Money(amount: 3897, currency: "EUR"))
    }

    @Test func lineTotalsFollowFromPriceAndQuantity() {
        let line = CartLineDTO(productId: .init(), sku: "A", name: "A", unitPrice: Money(amount: 250, currency: "EUR"), quantity: 4)
        #expect(line.lineTotal == Money(amount: 1000, currency: "EUR"))
    }

    @Test func finalStatuses() {
        #expect(OrderStatus.allCases.filter(\.isFinal) == [.confirmed, .rejected, .paymentFailed, .failed, .cancelled, .shipped])
    }
}
