import Contracts
import EmailsCore
import Testing

@Suite("Email templates")
struct EmailRendererTests {
    let variables: [String: JSONValue] = [
        "orderId": "0f5a1c2e-1111-2222-3333-444455556666",
        "total": "50.98 EUR",
        "reason": "not enough stock for 1 product",
        "lines": [
            ["name": "Swift Mug", "sku": "MUG-001", "quantity": 2, "unitPrice": "12.99 EUR", "lineTotal": "25.98 EUR"],
            ["name": "Tee <b>", "sku": "TEE-001", "quantity": 1, "unitPrice": "25.00 EUR", "lineTotal": "25.00 EUR"],
        ],
        "name": "Zoë",
        "token": "a-verification-token",
        "verifyUrl": "http://localhost:3000/verify-email?token=a-verification-token",
        "expiresInHours": 24,
        "subject": "A notice",
        "body": "Something to say",
    ]

    @Test func theConfirmationNamesTheOrderEachLineAndTheTotal() throws {
        let email = try EmailRenderer().render(.orderConfirmed, variables: variables)
        #expect(email.subject == "Your order 0f5a1c2e-1111-2222-3333-444455556666 is confirmed")
        for text in [email.text, email.html] {
            #expect(text.contains("0f5a1c2e-1111-2222-3333-444455556666"))
            #expect(text.contains("Swift Mug"))
            #expect(text.contains("25.98 EUR"))
            #expect(text.contains("50.98 EUR"))
        }
        #expect(email.text.contains("- 2 x Swift Mug (MUG-001) at 12.99 EUR = 25.98 EUR"))
        #expect(email.text.contains("Tee <b>"), "the text part is not HTML-escaped")
        #expect(email.html.contains("Tee &lt;b&gt;"), "the HTML part escapes values")
    }

    @Test func theRejectionSaysWhy() throws {
        let email = try EmailRenderer().render(.orderRejected, variables: variables)
        #expect(email.subject.contains("0f5a1c2e-1111-2222-3333-444455556666"))
        #expect(email.text.contains("not enough stock for 1 product"))
    }

    @Test func everyTemplateRenders() throws {
        let renderer = try EmailRenderer()
        for template in EmailTemplate.allCases {
            let email = try renderer.render(template, variables: variables)
            #expect(!email.subject.isEmpty && !email.text.isEmpty && !email.html.isEmpty, "template \(template)")
        }
    }
}
