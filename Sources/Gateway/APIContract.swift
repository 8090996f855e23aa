import Foundation
import Hummingbird
import ServiceKit

/// The API's contract, `openapi.yaml`, which the gateway serves at `GET /openapi.yaml`.
/// It is read once at start: a missing file stops start-up.
struct APIContract: Sendable {
    let document: ByteBuffer

    /// Reads the document at `path` (`OPENAPI_PATH`, default `openapi.yaml`).
    init(contentsOfFile path: String) throws(SettingsError) {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw SettingsError(variable: "OPENAPI_PATH", reason: "cannot read the API contract at '\(path)'")
        }
        self.document = ByteBuffer(bytes: data)
    }

    /// Adds `GET /openapi.yaml` to `router`.
    func addRoute(to router: Router<ShopRequestContext>) {
        let document = self.document
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
