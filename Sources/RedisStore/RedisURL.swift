/// The parts of a `redis://` URL, parsed without Foundation so the rules are explicit and tested.
struct RedisURL: Equatable {
    var host: String
    var port: Int
    var username: String?
    var password: String?
    var database: Int

    static let defaultPort = 6379

    init(parsing url: String) throws(RedisError) {
        func invalid(_ why: String) -> RedisError {
            // The URL may contain a password: only its shape is reported, never the text itself.
            .invalidConfiguration(reason: "invalid Redis URL: \(why)")
        }
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw invalid("expected redis://[[user]:password@]host[:port][/db]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "redis" else {
            if scheme == "rediss" { throw invalid("TLS (rediss://) is not supported by the system hiredis") }
            throw invalid("unsupported scheme '\(scheme)', expected redis://")
        }
        var rest = url[schemeEnd.upperBound...]
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            rest = rest[..<query]
        }
        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            path = ""
        }

        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let user: Substring
            let secret: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                secret = userInfo[userInfo.index(after: colon)...]
            } else {
                // Like other Redis clients: `redis://name@host` names a user without a password.
                user = userInfo
                secret = ""
            }
            guard let decodedUser = Self.percentDecoded(user), let decodedSecret = Self.percentDecoded(secret) else {
                throw invalid("malformed percent-encoding in the credentials")
            }
            username = decodedUser.isEmpty ? nil : decodedUser
            password = decodedSecret.isEmpty ? nil : decodedSecret
        } else {
            username = nil
            password = nil
        }

        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unterminated IPv6 address") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let afterHost = hostPort[hostPort.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 address") }
                portText = afterHost.dropFirst()
            }
        } else if let colon = hostPort.firstIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { throw invalid("missing host") }

        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw invalid("port '\(portText)' is not a number in 1...65535")
            }
            port = value
        } else {
            port = Self.defaultPort
        }

        let databaseText = path.hasSuffix("/") ? path.dropLast() : path
        if databaseText.isEmpty {
            database = 0
        } else {
            guard let value = Int(databaseText), value >= 0 else {
                throw invalid("database '\(databaseText)' is not a non-negative number")
            }
            database = value
        }
    }

    /// Decodes `%XX` escapes; `nil` when an escape is malformed or the result is not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
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
