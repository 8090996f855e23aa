/// Where and how an ``SMTPMailer`` delivers mail. ``description`` never contains the password.
public struct SMTPConfiguration: Sendable, Hashable {
    /// The server URL without credentials or query: `smtp://host:port` or `smtps://host:port`
    /// (implicit TLS). A path, if any, is the name announced in `EHLO`.
    public let url: String
    /// The host part of ``url`` (an IPv6 address without brackets), for logs.
    public let host: String
    /// The port part of ``url`` (25 for `smtp`, 465 for `smtps` unless given).
    public let port: Int
    /// The user name for SMTP AUTH, or `nil` for none.
    public var username: String?
    /// The password for SMTP AUTH, or `nil`. Never logged.
    public var password: String?
    /// Require TLS: `STARTTLS` on `smtp://` (fail if the server does not offer it); always true for `smtps://`.
    public var requireTLS: Bool
    /// TLS from the first byte (`smtps://`), rather than `STARTTLS` after the greeting.
    public let implicitTLS: Bool
    /// The name announced in `EHLO`: the URL's path, or `localhost`.
    public let heloName: String
    /// A PEM file of the certificate authorities to trust for TLS, or `nil` for the system's.
    public var certificateAuthorityFile: String?
    /// How long the TCP connection may take to open.
    public var connectTimeout: Duration
    /// How long a whole send may take, connection included.
    public var timeout: Duration

    /// Parses `smtp[s]://[user[:password]@]host[:port][/helo-name][?starttls=required]`.
    ///
    /// Credentials are percent-decoded, moved to ``username`` / ``password`` and removed from ``url``.
    /// Defaults: 10 s to connect, 60 s per send, TLS only for `smtps` or `starttls=required`.
    /// - Throws: ``MailError`` (``MailError/Kind/invalid``) saying what is wrong.
    public init(url: String) throws {
        let parsed = try SMTPURL(parsing: url)
        self.url = parsed.baseURL
        self.host = parsed.host
        self.port = parsed.port
        self.username = parsed.username
        self.password = parsed.password
        self.requireTLS = parsed.implicitTLS || parsed.startTLS
        self.implicitTLS = parsed.implicitTLS
        self.heloName = parsed.heloName ?? "localhost"
        self.certificateAuthorityFile = nil
        self.connectTimeout = .seconds(10)
        self.timeout = .seconds(60)
    }
}

extension SMTPConfiguration: CustomStringConvertible {
    /// The URL, the user name and the TLS requirement; the password is redacted.
    public var description: String {
        var text = url
        if let username { text += " user=\(username)" + (password == nil ? "" : " password=***") }
        if requireTLS { text += " tls=required" }
        return text
    }
}

/// The parts of an `smtp://` or `smtps://` URL.
struct SMTPURL: Equatable {
    var baseURL: String
    var host: String
    var port: Int
    var username: String?
    var password: String?
    var implicitTLS: Bool
    var startTLS: Bool
    var heloName: String?

    init(parsing url: String) throws(MailError) {
        func invalid(_ why: String) -> MailError {
            // The URL may hold a password: report what is wrong, never the text itself.
            .invalid("invalid SMTP URL: \(why)")
        }
        guard let schemeEnd = url.firstRange(of: "://") else {
            throw invalid("expected smtp://[user[:password]@]host[:port]")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw invalid("unsupported scheme '\(scheme)', expected smtp or smtps")
        }
        implicitTLS = scheme == "smtps"
        var rest = url[schemeEnd.upperBound...]
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authority = rest.prefix { $0 != "/" }
        let path = rest[authority.endIndex...]

        var hostPort = authority
        username = nil
        password = nil
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let user = userInfo.prefix { $0 != ":" }
            let secret = userInfo.dropFirst(user.count + 1)
            guard let decodedUser = percentDecoded(user), let decodedSecret = percentDecoded(secret) else {
                throw invalid("malformed percent-encoding in the credentials")
            }
            username = decodedUser.isEmpty ? nil : decodedUser
            password = decodedSecret.isEmpty ? nil : decodedSecret
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
            port = implicitTLS ? 465 : 25
        }

        startTLS = false
        for parameter in query.split(separator: "&") {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.first?.lowercased() == "starttls" else {
                throw invalid("unknown parameter '\(pair.first ?? "")'")
            }
            let value = pair.count > 1 ? pair[1].lowercased() : "required"
            guard ["required", "true", "1", "false", "0", "no"].contains(value) else {
                throw invalid("starttls must be required, true or false")
            }
            startTLS = ["required", "true", "1"].contains(value)
        }

        let name = path.drop { $0 == "/" }
        guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw invalid("the EHLO name in the path must be printable ASCII without spaces")
        }
        heloName = name.isEmpty ? nil : String(name)

        let hostPart = host.contains(":") ? "[\(host)]" : host
        baseURL = "\(scheme)://\(hostPart):\(port)\(path == "/" ? "" : path)"
    }
}

/// Decodes `%XX` escapes; `nil` when an escape is malformed or the result is not UTF-8.
func percentDecoded(_ text: Substring) -> String? {
    var bytes: [UInt8] = []
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        guard byte == UInt8(ascii: "%") else {
            bytes.append(byte)
            continue
        }
        guard let high = iterator.next().flatMap(hexDigitValue), let low = iterator.next().flatMap(hexDigitValue) else {
            return nil
        }
        bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
