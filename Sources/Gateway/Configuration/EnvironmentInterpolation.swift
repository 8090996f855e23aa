/// `${NAME}` and `${NAME:-default}` in upstream strings, so one file serves the local stack,
/// the test stack and compose.
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
