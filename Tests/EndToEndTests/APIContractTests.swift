import Foundation
import Testing
import TestSupport

/// The gateway serves the API's contract; `scripts/check-openapi` (run by `scripts/test`)
/// validates the document and compares it with every route the services register.
@Suite("API contract")
struct APIContractTests {
    @Test("GET /openapi.yaml through the gateway answers the repository's openapi.yaml, byte for byte")
    func gatewayServesTheContract() async throws {
        let shop = try Shop()
        let reply = try await shop.api.send(.GET, "/openapi.yaml")
        #expect(reply.status == 200)
        #expect(reply.contentType.hasPrefix("application/yaml"))
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let onDisk = try Data(contentsOf: repository.appendingPathComponent("openapi.yaml"))
        #expect(reply.body == onDisk, "the gateway serves another document than openapi.yaml")
        #expect(reply.text.hasPrefix("openapi: 3."))
    }

    @Test("the contract needs no token, and an unknown gateway path is still a 404 problem")
    func contractIsPublicAndOtherPathsAreNotFound() async throws {
        let shop = try Shop()
        let reply = try await shop.api.send(.GET, "/openapi.yaml", headers: [("Authorization", "Bearer not-a-jwt")])
        #expect(reply.status == 200)
        expectProblem(try await shop.api.send(.GET, "/openapi.json"), 404)
    }
}
