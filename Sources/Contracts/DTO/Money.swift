/// An amount of money in integer minor units (cents) and an ISO 4217 currency code.
/// Never floating point.
public struct Money: Codable, Sendable, Hashable {
    public var amount: Int
    public var currency: String

    public init(amount: Int, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// `12.50 EUR`: for emails and logs (two minor digits, as every currency we sell in has).
    public var formatted: String {
        let sign = amount < 0 ? "-" : ""
        let units = abs(amount) / 100
        let cents = abs(amount) % 100
        return "\(sign)\(units).\(cents < 10 ? "0" : "")\(cents) \(currency)"
    }

    /// This amount times `quantity`.
    public func times(_ quantity: Int) -> Money {
        Money(amount: amount * quantity, currency: currency)
    }
}
