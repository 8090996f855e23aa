import Contracts
import Foundation

/// The gateway's route map and edge policies, from `config.json`.
///
/// Every key that starts with `/` is a route (see ``Route``): either an upstream URL (the seed
/// form) or an object with `upstream`/`upstreams` and policies. The one other key is `cors`:
/// ```json
/// { "cors": { "origins": ["https://shop.example"], "allowCredentials": true, "maxAgeSeconds": 600 },
///   "/auth": "${ACCOUNTS_URL:-http://127.0.0.1:4001}",
///   "/orders": { "upstream": "http://orders:8080", "auth": true, "timeout": 10 } }
/// ```
/// Upstream strings may name environment variables as `${NAME}` or `${NAME:-default}`.
struct GatewayConfiguration: Sendable, Equatable {
    var routes: [Route]
    var cors: CORSPolicy = .none

    /// Parses `data` (the file's bytes), resolving variables from `environment`. Every problem
    /// names the route (or key) and what is wrong with it.
    init(json data: Data, environment: [String: String], defaults: RouteDefaults = RouteDefaults()) throws(GatewayConfigurationError) {
        let document: JSONValue
        do {
            document = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw GatewayConfigurationError(route: nil, reason: "the file is not valid JSON (\(Self.describe(error)))")
        }
        guard case .object(let members) = document else {
            throw GatewayConfigurationError(route: nil, reason: "the top level must be an object mapping path prefixes to upstreams")
        }
        var routes: [Route] = []
        for (key, value) in members.sorted(by: { $0.key < $1.key }) {
            if key == "cors" {
                guard case .object(let cors) = value else {
                    throw GatewayConfigurationError(route: nil, reason: "\"cors\" must be an object, not \(value.kind)")
                }
                self.cors = try CORSPolicy(ConfigObject(cors, route: nil, path: "cors"))
                continue
            }
            guard key.hasPrefix("/") else {
                throw GatewayConfigurationError(route: key, reason: "a prefix must start with '/' (the only other key is \"cors\")")
            }
            routes.append(try Route(prefix: key, value: value, environment: environment, defaults: defaults))
        }
        guard !routes.isEmpty else {
            throw GatewayConfigurationError(route: nil, reason: "no routes are defined")
        }
        let prefixes = routes.map(\.prefix)
        if let duplicate = prefixes.first(where: { prefix in prefixes.filter { $0 == prefix }.count > 1 }) {
            throw GatewayConfigurationError(route: duplicate, reason: "the prefix is defined twice (with and without a trailing '/')")
        }
        self.routes = routes
    }

    init(routes: [Route], cors: CORSPolicy = .none) {
        self.routes = routes
        self.cors = cors
    }

    /// Reads and parses the file at `path`.
    init(contentsOfFile path: String, environment: [String: String], defaults: RouteDefaults = RouteDefaults()) throws(GatewayConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayConfigurationError(route: nil, reason: "cannot read \(path)")
        }
        try self.init(json: data, environment: environment, defaults: defaults)
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription
        }
        return "\(error)"
    }
}

extension Route {
    /// A route from its `config.json` entry: a URL string, or an object of settings.
    init(prefix: String, value: JSONValue, environment: [String: String], defaults: RouteDefaults) throws(GatewayConfigurationError) {
        func upstream(_ template: String) throws(GatewayConfigurationError) -> Upstream {
            try Upstream(EnvironmentInterpolation.resolve(template, environment: environment, route: prefix), route: prefix)
        }
        switch value {
        case .string(let template):
            try self.init(prefix: prefix, upstreams: [upstream(template)], defaults: defaults)
        case .object(let members):
            var object = ConfigObject(members, route: prefix)
            let single = try object.string("upstream")
            let several = try object.strings("upstreams")
            let templates: [String]
            switch (single, several) {
            case (let single?, nil): templates = [single]
            case (nil, let several?) where !several.isEmpty: templates = several
            case (nil, _): throw GatewayConfigurationError(route: prefix, reason: "needs \"upstream\" (a URL) or \"upstreams\" (a list of URLs)")
            case (_?, _?): throw GatewayConfigurationError(route: prefix, reason: "has both \"upstream\" and \"upstreams\"; give one")
            }
            var upstreams: [Upstream] = []
            for template in templates {
                upstreams.append(try upstream(template))
            }
            try self.init(prefix: prefix, upstreams: upstreams, defaults: defaults)
            try readPolicies(from: &object)
            try object.finish()
        default:
            throw GatewayConfigurationError(route: prefix, reason: "the upstream must be a URL string or an object, not \(value.kind)")
        }
    }

    private mutating func readPolicies(from object: inout ConfigObject) throws(GatewayConfigurationError) {
        if let balance = try object.string("balance") {
            guard let strategy = BalanceStrategy(rawValue: balance) else {
                throw object.error("balance", "must be one of \(BalanceStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.balance = strategy
        }
        switch object.value("auth") {
        case nil, .bool(false): auth = nil
        case .bool(true): auth = EdgeAuthPolicy(roles: [])
        case .object(let members):
            var policy = ConfigObject(members, route: prefix, path: "auth")
            let names = try policy.strings("roles") ?? []
            var roles = Set<Role>()
            for name in names {
                guard let role = Role(rawValue: name) else {
                    throw policy.error("roles", "names an unknown role \"\(name)\" (known: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                roles.insert(role)
            }
            try policy.finish()
            auth = EdgeAuthPolicy(roles: roles)
        case let other?:
            throw object.error("auth", "must be true, false or {\"roles\": [...]}, not \(other.kind)")
        }
        if var limit = try object.object("rateLimit") {
            guard let requests = try limit.integer("requests", in: 1...1_000_000_000) else {
                throw limit.error("requests", "is required")
            }
            let window = try limit.integer("windowSeconds", in: 1...86_400) ?? 60
            let keyName = try limit.string("key") ?? RateLimitPolicy.Key.client.rawValue
            guard let key = RateLimitPolicy.Key(rawValue: keyName) else {
                throw limit.error("key", "must be one of \(RateLimitPolicy.Key.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try limit.finish()
            rateLimit = RateLimitPolicy(requests: requests, windowSeconds: window, key: key)
        }
        if let seconds = try object.number("timeout", in: 0.001...3600) {
            timeout = .milliseconds(Int64((seconds * 1000).rounded()))
        }
        if let retries = try object.integer("retries", in: 0...10) {
            self.retries = retries
        }
        if let maxBodyBytes = try object.integer("maxBodyBytes", in: 0...(1 << 40)) {
            self.maxBodyBytes = maxBodyBytes
        }
        if let stripPrefix = try object.bool("stripPrefix") {
            self.stripPrefix = stripPrefix
        }
    }
}

extension CORSPolicy {
    init(_ object: ConfigObject) throws(GatewayConfigurationError) {
        var object = object
        let origins = try object.strings("origins") ?? []
        for origin in origins where origin != "*" {
            guard let url = URLComponents(string: origin), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                url.path.isEmpty, url.query == nil
            else {
                throw object.error("origins", "has \"\(origin)\", which is not an origin like https://shop.example (or \"*\")")
            }
        }
        let allowCredentials = try object.bool("allowCredentials") ?? false
        if allowCredentials, origins.contains("*") {
            throw object.error("allowCredentials", "cannot be true when origins contains \"*\"")
        }
        let maxAge = try object.integer("maxAgeSeconds", in: 0...86_400) ?? 600
        try object.finish()
        self.init(allowedOrigins: origins, allowCredentials: allowCredentials, maxAgeSeconds: maxAge)
    }
}

/// `config.json` is invalid: the gateway refuses to start (or to reload) and says why.
struct GatewayConfigurationError: Error, CustomStringConvertible, Equatable {
    var route: String?
    var reason: String

    var description: String {
        if let route {
            return "config.json: route \"\(route)\": \(reason)"
        }
        return "config.json: \(reason)"
    }
}
