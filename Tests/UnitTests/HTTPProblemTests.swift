import Contracts
import Foundation
import Hummingbird
import Testing

@testable import ServiceKit

@Suite("Problem documents")
struct HTTPProblemTests {
    @Test func validationProblemsListEveryField() throws {
        var validator = Validator()
        validator.check(false, "quantity", "must be at least 1")
        validator.check(true, "productId", "never reported")
        validator.checkLength("   ", "name", 1...100)
        do {
            try validator.validate()
            Issue.record("validated invalid input")
        } catch {
            #expect(error.status == .badRequest)
            let problem = error.problem(instance: "/cart/items")
            #expect(problem.status == 400)
            #expect(problem.title == "Bad Request")
            #expect(problem.type == "https://shop.example/problems/bad-request")
            #expect(problem.instance == "/cart/items")
            #expect(problem.errors?.map(\.field) == ["quantity", "name"])
            #expect(problem.detail == "The request has invalid fields: quantity, name.")
        }
    }

    @Test func theResponseIsProblemJSON() throws {
        let problem = HTTPProblem.unavailable("Try again.", retryAfterSeconds: 7)
        let response = HTTPProblem.response(for: problem.problem(instance: nil), status: problem.status, headers: problem.headers)
        #expect(response.status == .serviceUnavailable)
        #expect(response.headers[.contentType] == "application/problem+json")
        #expect(response.headers[.retryAfter] == "7")
    }

    @Test func decodingErrorsNameTheField() throws {
        struct Body: Codable { var quantity: Int; var productId: UUID }
        func problem(for json: String) -> HTTPProblem? {
            let result = Result { () throws(HTTPProblem) in try ShopJSON.decodeRequestBody(Body.self, from: Array(json.utf8)) }
            guard case .failure(let problem) = result else { return nil }
            return problem
        }
        #expect(problem(for: #"{"quantity": "x", "productId": "\#(UUID())"}"#)?.errors == [.init(field: "quantity", message: "expected an integer")])
        #expect(problem(for: #"{"quantity": 1}"#)?.errors == [.init(field: "productId", message: "is required")])
        #expect(problem(for: #"{"quantity": 1,"#)?.detail == "The body is not valid JSON: expected a member name in quotes, found end of the document at byte 15.")
        #expect(problem(for: #"{"quantity": null, "productId": "\#(UUID())"}"#)?.errors?.first?.field == "quantity")
        // A number that does not fit is named at its field (Foundation's decoder said "not valid JSON").
        let range = "expected an integer from \(Int.min) to \(Int.max)"
        #expect(problem(for: #"{"quantity": 2.5, "productId": "\#(UUID())"}"#)?.errors == [.init(field: "quantity", message: "\(range), got 2.5")])
        #expect(problem(for: #"{"quantity": 1e30, "productId": "\#(UUID())"}"#)?.errors == [.init(field: "quantity", message: "\(range), got 1e30")])
        let long = String(repeating: "9", count: 100)
        #expect(problem(for: #"{"quantity": \#(long), "productId": "\#(UUID())"}"#)?.errors?.first?.message.count ?? 0 < 120)
        #expect(
            problem(for: #"{"quantity": 1, "productId": "nope"}"#)?.errors
                == [.init(field: "productId", message: "expected a UUID (32 hex digits as 8-4-4-4-12)")]
        )
        #expect(problem(for: "[1]")?.detail == "The body must be a JSON object.")
    }
}

@Suite("Access tokens")
struct AccessTokenTests {
    let secret = "unit-test-secret-0123456789abcdef0123456789"

    @Test func aSignedTokenVerifiesWithTheSameSecretOnly() async throws {
        let tokens = try await AccessTokens(secret: secret, lifetime: .seconds(60))
        let userId = UUID()
        let token = try await tokens.sign(userId: userId, email: "a@example.com", role: .admin)
        let identity = try #require(await tokens.verify(token))
        #expect(identity.userId == userId)
        #expect(identity.role == .admin)
        #expect(identity.email == "a@example.com")

        let other = try await AccessTokens(secret: secret + "x", lifetime: .seconds(60))
        #expect(await other.verify(token) == nil)
        #expect(await tokens.verify(token + "x") == nil)
        #expect(await tokens.verify("garbage") == nil)
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let tokens = try await AccessTokens(secret: secret, lifetime: .seconds(60))
        let token = try await tokens.sign(userId: UUID(), email: "a@example.com", role: .customer, now: Date().addingTimeInterval(-120))
        #expect(await tokens.verify(token) == nil)
    }

    @Test func aShortSecretIsRefusedAtStart() async {
        await #expect(throws: SettingsError.self) {
            _ = try await AccessTokens(secret: "short", lifetime: .seconds(60))
        }
    }
}

@Suite("Unknown fields")
struct UnknownFieldsTests {
    struct Line: Codable { var productId: String; var quantity: Int }
    struct Body: Codable { var name: String; var note: String?; var lines: [Line] }

    func unknown(_ json: String) throws -> [String] {
        try MessageJSONDecoder().decodeNamingUnknownMembers(Body.self, from: Array(json.utf8), encoder: ShopJSON.encoder).unknownMembers
    }

    @Test func knownFieldsPass() throws {
        #expect(try unknown(#"{"name": "a", "lines": [{"productId": "p", "quantity": 1}]}"#).isEmpty)
        #expect(try unknown(#"{"name": "a", "note": null, "lines": []}"#).isEmpty, "null for an optional is fine")
        #expect(try unknown(#"{"name": "a", "note": "n", "lines": []}"#).isEmpty)
    }

    @Test func aRequestBodyWithUnknownFieldsIsA400NamingThem() {
        let result = Result { () throws(HTTPProblem) in
            try ShopJSON.decodeRequestBody(Body.self, from: Array(#"{"name": "a", "lines": [], "zeta": 1, "alpha": {"x": 1}}"#.utf8))
        }
        guard case .failure(let problem) = result else {
            Issue.record("unknown fields were accepted")
            return
        }
        #expect(problem.status == .badRequest)
        #expect(problem.errors == [.init(field: "alpha", message: "is not a known field"), .init(field: "zeta", message: "is not a known field")])
    }

    @Test func unknownFieldsAreNamedWithTheirPath() throws {
        #expect(try unknown(#"{"name": "a", "nmae": "b", "lines": []}"#) == ["nmae"])
        #expect(try unknown(#"{"name": "a", "lines": [{"productId": "p", "quantity": 1}, {"productId": "q", "quantity": 2, "colour": "red"}]}"#)
            == ["lines[1].colour"])
    }
}
