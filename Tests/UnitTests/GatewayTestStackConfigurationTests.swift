import Foundation
import Testing

@testable import Gateway

/// The test stack's `config.json` (scripts/stacks/test.config.json) must route like the real
/// one, so the end-to-end suite tests what ships; only its rate limits are looser.
@Suite("The test stack's gateway config")
struct GatewayTestStackConfigurationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func itHasTheRepositorysRoutesAndPoliciesWithLooserRateLimits() throws {
        let shipped = try GatewayConfiguration(contentsOfFile: Self.repository.appendingPathComponent("config.json").path, environment: [:])
        let test = try GatewayConfiguration(
            contentsOfFile: Self.repository.appendingPathComponent("scripts/stacks/test.config.json").path, environment: [:]
        )
        #expect(test.cors == shipped.cors)
        #expect(test.routes.map(\.prefix) == shipped.routes.map(\.prefix))
        for (route, testRoute) in zip(shipped.routes, test.routes) {
            var comparable = testRoute
            comparable.rateLimit = route.rateLimit
            #expect(comparable == route, "\(route.prefix): only rateLimit.requests may differ")
            #expect((route.rateLimit == nil) == (testRoute.rateLimit == nil), "\(route.prefix): limited in one file only")
            if let limit = route.rateLimit, let testLimit = testRoute.rateLimit {
                #expect(testLimit.key == limit.key && testLimit.windowSeconds == limit.windowSeconds, "\(route.prefix)")
                #expect(testLimit.requests >= limit.requests, "\(route.prefix): the test stack's limit is tighter")
            }
        }
    }

    @Test func everyShippedRouteIsRateLimited() throws {
        let shipped = try GatewayConfiguration(contentsOfFile: Self.repository.appendingPathComponent("config.json").path, environment: [:])
        for route in shipped.routes {
            #expect(route.rateLimit != nil, "\(route.prefix) has no rate limit")
        }
        #expect(shipped.routes.first { $0.prefix == "/auth" }?.rateLimit?.key == .client)
        #expect(shipped.routes.first { $0.prefix == "/orders" }?.rateLimit?.key == .user)
    }
}
