import AsyncHTTPClient
import ServiceKit

/// Readiness of the upstream groups: each reported on its own, ready while its breaker is not
/// open and at least one of its healthy (not ejected) addresses answers `/health` with `200`.
enum UpstreamProbe {
    /// One result per group, named `upstream <name>`.
    static func report(_ groups: [UpstreamGroup], http: HTTPClient) async -> [String: ReadinessResult] {
        await withTaskGroup(of: (String, ReadinessResult).self) { probes in
            for group in groups {
                probes.addTask { ("upstream \(group.name)", await readiness(of: group, http: http)) }
            }
            var results: [String: ReadinessResult] = [:]
            for await (name, result) in probes {
                results[name] = result
            }
            return results
        }
    }

    static func readiness(of group: UpstreamGroup, http: HTTPClient) async -> ReadinessResult {
        let status = group.status
        if status.breaker == .open {
            let seconds = status.retryAfter.map { " for \($0.wholeSecondsRoundedUp) s" } ?? ""
            return .down("circuit breaker open\(seconds)")
        }
        let healthy = status.healthyAddresses
        guard !healthy.isEmpty else {
            return .down("every address is ejected (\(status.addresses.count))")
        }
        for address in healthy where await isHealthy(address, http: http) {
            let ejected = status.addresses.count - healthy.count
            return ejected == 0 && status.breaker == .closed
                ? .up : .up("\(ejected) of \(status.addresses.count) addresses ejected, circuit breaker \(status.breaker)")
        }
        return .down("no address answers /health")
    }

    static func isHealthy(_ address: UpstreamEndpoint, http: HTTPClient) async -> Bool {
        var request = HTTPClientRequest(url: address.url(path: "/health", query: nil))
        request.headers.replaceOrAdd(name: "Host", value: address.hostHeader)
        guard let response = try? await http.execute(request, timeout: .seconds(2)) else { return false }
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return response.status == .ok
    }
}
