import Testing
@testable import RedisStore

@Suite("Redis URL parsing")
struct RedisConfigurationTests {
    @Test func parsesTheDevelopmentURL() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:6379/0")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.password == nil)
        #expect(configuration.username == nil)
        #expect(configuration.poolSize == 8)
    }

    @Test func appliesDefaultsForPortAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal", poolSize: 3)
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.poolSize == 3)
    }

    @Test func decodesPasswordAndUserAndSelectsDatabase() throws {
        let passwordOnly = try RedisConfiguration(url: "redis://:p%40ss%3Aword@10.0.0.5:6380/4")
        #expect(passwordOnly.password == "p@ss:word")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.port == 6380)
        #expect(passwordOnly.database == 4)

        let withUser = try RedisConfiguration(url: "redis://shop:secret@redis:6379/2/")
        #expect(withUser.username == "shop")
        #expect(withUser.password == "secret")
        #expect(withUser.database == 2)

        let userOnly = try RedisConfiguration(url: "REDIS://reader@redis")
        #expect(userOnly.username == "reader")
        #expect(userOnly.password == nil)
    }

    @Test func parsesBracketedIPv6() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:6390/1")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 6390)
        #expect(configuration.description == "redis://[::1]:6390/1 (pool 8)")
    }

    @Test(arguments: [
        "127.0.0.1:6379",
        "http://127.0.0.1:6379",
        "rediss://127.0.0.1:6379",
        "redis://",
        "redis://:6379",
        "redis://host:notaport",
        "redis://host:70000",
        "redis://host:6379/x",
        "redis://host:6379/-1",
        "redis://[::1",
        "redis://:bad%zzescape@host",
    ])
    func rejectsMalformedURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
    }

    @Test func neverShowsThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://:topsecret@127.0.0.1:6379/0")
        #expect(!configuration.description.contains("topsecret"))
        #expect(configuration.description.contains("***"))
        let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: "redis://:topsecret@host:bad") }
        #expect(error.map { !"\($0)".contains("topsecret") } == true)
    }
}
