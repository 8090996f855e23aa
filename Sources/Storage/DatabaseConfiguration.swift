import Foundation
import PostgresNIO

/// Where the PostgreSQL server is and how to log in, parsed from a URL such as
/// `postgres://shop:secret@127.0.0.1:5432/shop?sslmode=disable`.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// `disable`, `prefer` (default) or `require`.
    public var sslMode: String
    /// The most connections this process opens.
    public var maximumConnections: Int

    public init(url: String, maximumConnections: Int = 20) throws(DatabaseConfigurationError) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme),
            let host = Self.host(in: url), !host.isEmpty
        else {
            throw DatabaseConfigurationError(reason: "expected postgres://user:password@host:port/database")
        }
        guard let username = components.user, !username.isEmpty else {
            throw DatabaseConfigurationError(reason: "the URL names no user")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else {
            throw DatabaseConfigurationError(reason: "the URL names no database")
        }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw DatabaseConfigurationError(reason: "sslmode must be disable, prefer or require, not '\(sslMode)'")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password?.removingPercentEncoding
        self.database = database
        self.sslMode = sslMode
        self.maximumConnections = maximumConnections
    }

    /// The host of `url`'s authority (an IPv6 address without its brackets), read from the
    /// text. `URLComponents.host` and `percentEncodedHost` would IDNA-encode it through ICU,
    /// which pages in about a megabyte of ICU's data in every process at start (found by the
    /// workers' idle-memory benchmark, BENCHMARKS.md).
    static func host(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            return String(hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close])
        }
        return String(hostAndPort.prefix { $0 != ":" }).removingPercentEncoding
    }

    /// The configuration for postgres-nio's pooled client.
    public var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "disable": .disable
            case "require": .require(.makeClientConfiguration())
            default: .prefer(.makeClientConfiguration())
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The URL without its password, for logs.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)"
    }
}

/// `DATABASE_URL` could not be understood.
public struct DatabaseConfigurationError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { "invalid DATABASE_URL: \(reason)" }
}
