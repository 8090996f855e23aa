import Contracts
import Foundation
import ServiceKit

extension CheckoutRequest {
    /// The longest `Idempotency-Key` accepted.
    static let maximumIdempotencyKeyLength = 255

    /// Records an error for each bad field (paths like `shippingAddress.country`).
    func validate(into validator: inout Validator) {
        let tokenCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
        validator.check(
            paymentMethod.hasPrefix("tok_") && (5...64).contains(paymentMethod.count)
                && paymentMethod.unicodeScalars.allSatisfy(tokenCharacters.contains),
            "paymentMethod", "must be a payment method token: tok_ followed by 1 to 60 letters, digits or underscores"
        )
        let address = shippingAddress
        validator.checkLength(address.name, "shippingAddress.name", 1...100)
        validator.checkLength(address.line1, "shippingAddress.line1", 1...200)
        if let line2 = address.line2 {
            validator.check(line2.count <= 200, "shippingAddress.line2", "must be at most 200 characters long")
        }
        validator.checkLength(address.city, "shippingAddress.city", 1...100)
        let postalCharacters = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -")
        let postal = address.postalCode.trimmingCharacters(in: .whitespaces)
        validator.check(
            (2...12).contains(postal.count) && postal.unicodeScalars.allSatisfy(postalCharacters.contains),
            "shippingAddress.postalCode", "must be 2 to 12 letters, digits, spaces or hyphens"
        )
        validator.check(
            CountryCodes.alpha2.contains(address.country), "shippingAddress.country",
            "must be an ISO 3166-1 alpha-2 country code in capitals, such as DE or US"
        )
    }

    /// Checks an `Idempotency-Key` header's value: 1 to 255 visible ASCII characters.
    static func validateIdempotencyKey(_ key: String, into validator: inout Validator) {
        validator.check(
            (1...maximumIdempotencyKeyLength).contains(key.count) && key.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) },
            "Idempotency-Key", "must be 1 to \(maximumIdempotencyKeyLength) visible ASCII characters"
        )
    }
}

/// ISO 3166-1 alpha-2 country codes (officially assigned).
enum CountryCodes {
    static let alpha2: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG
        UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(whereSeparator: \.isWhitespace).map(String.init)
    )
}
