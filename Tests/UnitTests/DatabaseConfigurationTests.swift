import Testing
@testable import Storage

@Suite("DATABASE_URL parsing")
struct DatabaseConfigurationTests {
    @Test func readsEveryPartOfTheURL() throws {
        let configuration = try DatabaseConfiguration(url: "postgres://shop:s3cr%2Ft@db.internal:6432/shop?sslmode=disable")
        #expect(configuration.host == "db.internal")
        #expect(configuration.port == 6432)
        #expect(configuration.username == "shop")
        #expect(configuration.password == "s3cr/t")
        #expect(configuration.database == "shop")
        #expect(configuration.sslMode == "disable")
        #expect(!configuration.description.contains("s3cr"))
    }

    @Test(arguments: [
        ("postgres://u@127.0.0.1/d", "127.0.0.1"),
        ("postgresql://u:p@[::1]:5432/d", "::1"),
        ("postgres://u:p%40x@host/d", "host"),
        ("postgres://u@my%2Dhost:1/d", "my-host"),
        ("postgres://u@h?x=1", "h"),
    ])
    func readsTheHostFromTheText(_ url: String, _ host: String) {
        #expect(DatabaseConfiguration.host(in: url) == host)
    }

    @Test(arguments: ["mysql://u@h/d", "postgres://u@/d", "postgres://h/d", "postgres://u@h/", "postgres://u@[::1/d", "h/d"])
    func refusesWhatIsNotAUsableURL(_ url: String) {
        #expect(throws: DatabaseConfigurationError.self) { try DatabaseConfiguration(url: url) }
    }
}
