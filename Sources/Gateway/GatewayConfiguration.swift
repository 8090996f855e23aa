import Foundation

/// The gateway's route map, from `config.json`: path prefix → upstream base URL.
///
/// ```json
/// { "/auth": "${ACCOUNTS_URL:-http://127.0.0.1:4001}", "/products": "http://catalog:8080" }
/// ```
/// Upstream strings may name environment variables as `${NAME}` or `${NAME:-default}`, so one
/// file serves the local stack, the test stack and compose.
struct GatewayConfiguration: Sendable, Equatable {
    var routes: [Route]

    /// Parses `data` (the file's bytes), resolving variables from `environment`. Every problem
    /// names the route and what is wrong with it.
    init(json data: Data, environment: [String: String]) throws(GatewayConfigurationError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw GatewayConfigurationError(route: nil, reason: "the file is not valid JSON (\(error.localizedDescription))")
        }
        guard let map = object as? [String: Any] else {
            throw GatewayConfigurationError(route: nil, reason: "the top level must be an object mapping path prefixes to upstream URLs")
        }
        guard !map.isEmpty else {
            throw GatewayConfigurationError(route: nil, reason: "no routes are defined")
        }
        var routes: [Route] = []
        for (prefix, value) in map.sorted(by: { $0.key < $1.key }) {
            guard let template = value as? String else {
                throw GatewayConfigurationError(route: prefix, reason: "the upstream must be a URL string")
            }
            let upstream = try EnvironmentInterpolation.resolve(template, environment: environment, route: prefix)
            routes.append(try Route(prefix: prefix, upstream: upstream))
        }
        self.routes = routes
    }

    init(routes: [Route]) {
        self.routes = routes
    }

    /// Reads and parses the file at `path`.
    init(contentsOfFile path: String, environment: [String: String]) throws(GatewayConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GatewayConfigurationError(route: nil, reason: "cannot read \(path)")
        }
        try self.init(json: data, environment: environment)
    }
}

/// `config.json` is invalid: the gateway refuses to start and says why.
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

/// `${NAME}` and `${NAME:-default}` in upstream strings.
enum EnvironmentInterpolation {
    static func resolve(_ template: String, environment: [String: String], route: String) throws(GatewayConfigurationError) -> String {
        var result = ""
        var rest = Substring(template)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw GatewayConfigurationError(route: route, reason: "unterminated ${ in \"\(template)\"")
            }
            let expression = rest[start.upperBound..<end]
            let name: Substring
            let fallback: Substring?
            if let separator = expression.range(of: ":-") {
                name = expression[..<separator.lowerBound]
                fallback = expression[separator.upperBound...]
            } else {
                name = expression
                fallback = nil
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw GatewayConfigurationError(route: route, reason: "\"\(expression)\" is not a variable name")
            }
            if let value = environment[String(name)], !value.isEmpty {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                throw GatewayConfigurationError(route: route, reason: "environment variable \(name) is not set and has no default")
            }
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
