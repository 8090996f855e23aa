import Foundation
import TestSupport

/// Reads caught email through MailHog's API (the real MailHog or the local catcher).
struct MailCatcher {
    let api: APIClient

    init() throws {
        api = APIClient(baseURL: try TestEnvironment.mailhogURL)
    }

    struct Message {
        var id: String
        var subject: String
        var recipients: [String]
        var body: String
        var raw: String
    }

    /// The messages sent to `address`, newest first.
    func messages(to address: String) async throws -> [Message] {
        let query = address.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? address
        let reply = try await api.send(.GET, "/api/v2/search?kind=to&query=\(query)")
        guard reply.status == 200, let items = reply.json["items"] as? [[String: Any]] else { return [] }
        return items.map { item in
            let content = item["Content"] as? [String: Any] ?? [:]
            let headers = content["Headers"] as? [String: [String]] ?? [:]
            let raw = item["Raw"] as? [String: Any] ?? [:]
            return Message(
                id: item["ID"] as? String ?? "",
                subject: headers["Subject"]?.first ?? "",
                recipients: raw["To"] as? [String] ?? [],
                body: content["Body"] as? String ?? "",
                raw: raw["Data"] as? String ?? ""
            )
        }
    }
}
