import Configuration

extension ConfigReader {
    /// The environment variables that hold secrets: their values never appear in logs or
    /// configuration access reports.
    public static let secretVariables: Set<String> = [
        "JWT_SECRET", "ADMIN_PASSWORD", "DATABASE_URL", "AMQP_URL", "REDIS_URL", "SMTP_URL",
    ]

    /// Every setting of a process comes from its environment: the key `database.url`
    /// is the variable `DATABASE_URL`.
    public static func fromEnvironment() -> ConfigReader {
        ConfigReader(provider: EnvironmentVariablesProvider(secretsSpecifier: .specific(secretVariables)))
    }

    /// A setting the process cannot start without, with an error naming the variable.
    public func required(_ key: String, isSecret: Bool = false) throws(SettingsError) -> String {
        guard let value = string(forKey: ConfigKey(stringLiteral: key), isSecret: isSecret), !value.isEmpty else {
            throw SettingsError(variable: Self.variableName(key), reason: "is required")
        }
        return value
    }

    /// An integer setting within `range`, or `defaultValue` when unset.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(SettingsError) -> Int {
        guard let text = string(forKey: ConfigKey(stringLiteral: key)), !text.isEmpty else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw SettingsError(
                variable: Self.variableName(key),
                reason: "must be an integer from \(range.lowerBound) to \(range.upperBound), not '\(text)'"
            )
        }
        return value
    }

    /// `database.url` → `DATABASE_URL`, for error messages.
    static func variableName(_ key: String) -> String {
        var name = ""
        for character in key {
            if character == "." {
                name.append("_")
            } else if character.isUppercase {
                name.append("_")
                name.append(character)
            } else {
                name.append(character.uppercased())
            }
        }
        return name
    }
}

/// A setting is missing or invalid: the process stops at start with this message.
public struct SettingsError: Error, CustomStringConvertible {
    public var variable: String
    public var reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable) \(reason)" }
}
