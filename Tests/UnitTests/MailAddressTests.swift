import Testing
import Mail

@Suite("Mail address parsing")
struct MailAddressTests {
    @Test func parsesNameAndAddress() throws {
        let address = try MailAddress(parsing: "Shop <shop@example.com>")
        #expect(address == MailAddress("shop@example.com", name: "Shop"))
    }

    @Test func parsesABareAddressAndAnAngleAddress() throws {
        #expect(try MailAddress(parsing: "  a@b.c ") == MailAddress("a@b.c"))
        #expect(try MailAddress(parsing: "<a@b.c>") == MailAddress("a@b.c"))
    }

    @Test func unquotesQuotedDisplayNamesAndKeepsUnicode() throws {
        #expect(try MailAddress(parsing: #""Doe, \"JJ\" Jane" <j@x.y>"#).name == #"Doe, "JJ" Jane"#)
        #expect(try MailAddress(parsing: "Zoë Ünal <zoe@example.com>").name == "Zoë Ünal")
    }

    @Test(arguments: [
        "", "shop", "Shop <shop>", "@example.com", "shop@", "a b@c.d", "Shop <a@b.c", "x <a@b..c>",
        "Evil <a@b.c>\r\nBcc: x@y.z", "<a@b.c>, <d@e.f>", "Shöp <shöp@example.com>",
    ])
    func rejectsInvalidAddresses(_ text: String) {
        #expect(throws: MailError.self) { try MailAddress(parsing: text) }
    }

    @Test func invalidAddressErrorsArePermanentAndSayWhy() {
        let error = #expect(throws: MailError.self) { try MailAddress(parsing: "no-at-sign") }
        #expect(error?.isTransient == false)
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("no '@'") == true)
    }

    @Test func describesItselfAsAHeaderWould() {
        #expect(MailAddress("a@b.c", name: "A").description == "A <a@b.c>")
        #expect(MailAddress("a@b.c").description == "a@b.c")
    }
}
