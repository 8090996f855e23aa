import Contracts
import HTTPTypes
import Hummingbird

/// Gives every request an id: the caller's `X-Request-Id` when it sent a sane one,
/// a new UUID otherwise. The id is in every log line of the request and on the response.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = ShopRequestContext

    public init() {}

    public func handle(_ request: Request, context: ShopRequestContext, next: (Request, ShopRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = Self.acceptable(request.headers[.requestID]) ?? Self.newID()
        context.requestID = requestID
        context.logger[metadataKey: "request.id"] = .string(requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = requestID
        return response
    }

    /// A new id: a random (version 4) UUID in lowercase, `8-4-4-4-12` hex digits.
    ///
    /// Made from two system random numbers (``RandomHex``); Foundation's `UUID()` opens, reads
    /// and closes `/dev/urandom` each time, which the gateway's profile showed as 4 % of its CPU
    /// per proxied request.
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return newID(using: &generator)
    }

    /// ``newID()`` from two words of `generator`.
    public static func newID(using generator: inout some RandomNumberGenerator) -> String {
        let high = generator.next() & ~0xF000 | 0x4000  // version 4: the 13th digit
        let low = generator.next() & ~(0xC000 << 48) | (0x8000 << 48)  // variant 10xx: the 17th digit
        return String(unsafeUninitializedCapacity: 36) { id in
            // The 32 digits first, then the groups after the first moved right, last first,
            // for the dashes of 8-4-4-4-12 (a test checks the layout).
            RandomHex.write(high, into: id, at: 0)
            RandomHex.write(low, into: id, at: 16)
            func moveRight(from start: Int, count: Int, by shift: Int) {
                for index in (start..<(start + count)).reversed() {
                    id[index + shift] = id[index]
                }
                id[start + shift - 1] = UInt8(ascii: "-")
            }
            moveRight(from: 20, count: 12, by: 4)
            moveRight(from: 16, count: 4, by: 3)
            moveRight(from: 12, count: 4, by: 2)
            moveRight(from: 8, count: 4, by: 1)
            return 36
        }
    }

    /// A caller's id is kept if it is short and printable: it ends up in logs.
    public static func acceptable(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return value
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}
