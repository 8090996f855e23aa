/// The parts of an `amqp://` URI. Parsing reports errors with the password redacted.
struct AMQPURL: Equatable {
    var host: String
    var port: Int
    var username: String
    var password: String
    var virtualHost: String
    var heartbeatSeconds: Int?
}

extension AMQPURL {
    /// Parses `amqp://user:password@host:port/vhost?heartbeat=seconds`.
    init(parsing url: String) throws(AMQPError) {
        let redacted = Self.redact(url)
        func fail(_ reason: String) -> AMQPError { .invalidURL(redacted, reason: reason) }

        guard let schemeEnd = url.range(of: "://") else {
            throw fail("expected amqp://user:password@host:port/vhost")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "amqp" else {
            throw fail("unsupported scheme '\(scheme)' (only amqp is supported)")
        }
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let questionMark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: questionMark)...]
            rest = rest[..<questionMark]
        }
        let authority: Substring
        let path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            path = nil
        }

        var hostAndPort = authority
        username = "guest"
        password = "guest"
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostAndPort = authority[authority.index(after: at)...]
            let user: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                guard let decoded = Self.percentDecode(userInfo[userInfo.index(after: colon)...]) else {
                    throw fail("the password is not validly percent-encoded")
                }
                password = decoded
            } else {
                user = userInfo
            }
            guard let decodedUser = Self.percentDecode(user) else {
                throw fail("the user name is not validly percent-encoded")
            }
            username = decodedUser
        }

        var hostPart = hostAndPort
        var portPart: Substring?
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { throw fail("unterminated IPv6 address") }
            hostPart = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            let afterBracket = hostAndPort[hostAndPort.index(after: close)...]
            if afterBracket.hasPrefix(":") { portPart = afterBracket.dropFirst() } else if !afterBracket.isEmpty {
                throw fail("unexpected text after the IPv6 address")
            }
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            hostPart = hostAndPort[..<colon]
            portPart = hostAndPort[hostAndPort.index(after: colon)...]
        }
        guard !hostPart.isEmpty else { throw fail("the host is missing") }
        host = String(hostPart)
        if let portPart {
            guard let number = Int(portPart), (1...65535).contains(number) else {
                throw fail("the port must be a number from 1 to 65535, got '\(portPart)'")
            }
            port = number
        } else {
            port = 5672
        }

        if let path, !path.isEmpty {
            guard !path.contains("/"), let decoded = Self.percentDecode(path) else {
                throw fail("the virtual host must be one percent-encoded path segment, like %2F")
            }
            virtualHost = decoded
        } else {
            virtualHost = "/"
        }

        heartbeatSeconds = nil
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = parts[0]
            let value = parts.count > 1 ? parts[1] : ""
            switch key {
            case "heartbeat":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw fail("heartbeat must be a whole number of seconds, got '\(value)'")
                }
                heartbeatSeconds = seconds
            default:
                throw fail("unknown query parameter '\(key)' (supported: heartbeat)")
            }
        }
    }

    /// `url` with the password between `:` and `@` replaced by `***`.
    static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<authority.index(after: colon)]) + "***" + String(url[at...])
    }

    /// Percent-decodes UTF-8; nil when an escape is malformed or the bytes are not UTF-8.
    static func percentDecode(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but unreserved characters (so `/` becomes `%2F`).
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
