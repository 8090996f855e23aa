import Logging
import ServiceLifecycle
import Synchronization

/// Resolves the host names of every upstream group's upstreams at start and then every
/// `interval` (`GATEWAY_RESOLVE_SECONDS`), so a compose service scaled to three replicas is
/// balanced over its three addresses, and a replica that comes or goes is seen.
///
/// IP literals and `https` upstreams are never resolved here, `localhost` names once. A name
/// that stops resolving keeps its last addresses (logged once, until it resolves again).
/// Groups made by a reload are resolved on the next pass; until then the upstream client
/// connects to the name itself.
final class UpstreamResolution: Service, Sendable {
    let routes: LiveRouteTable
    let resolver: any NameResolver
    let interval: Duration
    let logger: Logger
    /// Names that failed on the last pass, so a lasting failure is logged once.
    private let failing = Mutex<Set<String>>([])

    init(routes: LiveRouteTable, resolver: any NameResolver = SystemNameResolver(), interval: Duration, logger: Logger) {
        self.routes = routes
        self.resolver = resolver
        self.interval = interval
        self.logger = logger
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                await self.resolveAll()
            } while (try? await Task.sleep(for: self.interval)) != nil
        }
    }

    /// One pass: every name of the table in force, each looked up once.
    func resolveAll() async {
        var results: [String: [String]] = [:]
        for group in routes.table.groups {
            for upstream in group.key.upstreams where upstream.isResolvedByGateway {
                if upstream.hasFixedAddresses, group.resolvedAddresses(of: upstream) != nil { continue }
                if results[upstream.host] == nil {
                    results[upstream.host] = await resolve(upstream.host)
                }
                if let ips = results[upstream.host], !ips.isEmpty {
                    group.update(upstream, resolvedTo: ips)
                }
            }
        }
    }

    /// The addresses of `host`, or none (logged) when it does not resolve.
    private func resolve(_ host: String) async -> [String] {
        do {
            let ips = try await resolver.addresses(of: host)
            let recovered = failing.withLock { $0.remove(host) != nil }
            if recovered {
                logger.notice("upstream name resolves again", metadata: ["host": "\(host)", "addresses": "\(ips.joined(separator: ","))"])
            }
            return ips
        } catch {
            let first = failing.withLock { $0.insert(host).inserted }
            if first {
                logger.warning("upstream name does not resolve; its last addresses stay", metadata: ["host": "\(host)", "error": "\(error)"])
            }
            return []
        }
    }
}
