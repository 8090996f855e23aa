import Foundation
import Hummingbird

extension Parameters {
    /// The path parameter `name` as a UUID, or `404` (a malformed id names nothing).
    public func requireUUID(_ name: String) throws(HTTPProblem) -> UUID {
        guard let text = get(name), let id = UUID(uuidString: text) else {
            throw HTTPProblem.notFound("'\(get(name) ?? "")' is not a valid id.")
        }
        return id
    }
}
