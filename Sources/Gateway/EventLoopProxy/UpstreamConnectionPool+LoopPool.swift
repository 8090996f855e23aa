import NIOCore

extension UpstreamConnectionPool {
    /// The upstream connections of one event loop: all of them, for the sweep, and the idle
    /// ones by address, for reuse. Touched only on that loop.
    ///
    /// The sweep runs every `sweepInterval` while the loop has connections: it times out an
    /// exchange that made no progress by its `stallDeadline`, closes a connection idle
    /// for `idleTimeout`, and flushes an answer's head held for its body a whole interval. One
    /// repeating task per loop instead of a timer scheduled and cancelled per request (two,
    /// with the idle timer), which the profile showed at about 3 % of a proxied request's CPU;
    /// a timeout fires up to one interval late.
    final class LoopPool {
        /// The loop whose connections these are.
        let loop: any EventLoop
        private let idleTimeout: TimeAmount
        private let sweepInterval: TimeAmount
        /// The idle connections of each address: a list searched by the address's identity
        /// (its endpoint object), which a loop has few of; a dictionary hashed it twice per request.
        /// Not checked for exclusive access at run time (three checks per request): every access
        /// is one call of the list's own methods, with closures that only compare endpoints.
        @exclusivity(unchecked) private var idle: [(address: UpstreamEndpoint, connections: [UpstreamConnection])] = []
        private var open: [ObjectIdentifier: UpstreamConnection] = [:]
        private var sweep: Scheduled<Void>?

        init(loop: any EventLoop, idleTimeout: TimeAmount, sweepInterval: TimeAmount) {
            self.loop = loop
            self.idleTimeout = idleTimeout
            self.sweepInterval = sweepInterval
        }

        /// A new connection: swept from now until it closes.
        func register(_ connection: UpstreamConnection) {
            connection.loopPool = self
            open[ObjectIdentifier(connection)] = connection
            if sweep == nil {
                scheduleSweep()
            }
        }

        private func scheduleSweep() {
            sweep = loop.assumeIsolated().scheduleTask(in: sweepInterval) { [self] in
                sweepDeadlines(now: .now())
                sweep = nil
                if !open.isEmpty { scheduleSweep() }
            }
        }

        /// A closed connection: forgotten; the sweep stops with the last one.
        func remove(_ connection: UpstreamConnection) {
            if connection.idleSince != nil, let index = idleIndex(of: connection.address) {
                idle[index].connections.removeAll { $0 === connection }
            }
            connection.loopPool = nil
            open[ObjectIdentifier(connection)] = nil
            if open.isEmpty {
                sweep?.cancel()
                sweep = nil
            }
        }

        /// An idle connection to `address`, if one is open.
        func take(_ address: UpstreamEndpoint) -> UpstreamConnection? {
            guard let index = idleIndex(of: address) else { return nil }
            while let connection = idle[index].connections.popLast() {
                connection.idleSince = nil
                if connection.isOpen { return connection }
            }
            return nil
        }

        func put(_ connection: UpstreamConnection) {
            connection.idleSince = .now()
            if let index = idleIndex(of: connection.address) {
                idle[index].connections.append(connection)
            } else {
                idle.append((connection.address, [connection]))
            }
        }

        func count(of address: UpstreamEndpoint) -> Int {
            idleIndex(of: address).map { idle[$0].connections.count } ?? 0
        }

        /// Where `address`'s idle connections are in ``idle``: the same endpoint object, or
        /// (after its group made a new one for the same address) an equal one.
        private func idleIndex(of address: UpstreamEndpoint) -> Int? {
            idle.firstIndex { $0.address === address } ?? idle.firstIndex { $0.address == address }
        }

        /// Times out stalled exchanges, closes connections idle too long, and flushes answer heads
        /// held for their body a whole interval; forgets the addresses without idle connections
        /// (an address its group no longer has is not kept forever).
        func sweepDeadlines(now: NIODeadline) {
            idle.removeAll { $0.connections.isEmpty }
            for connection in open.values {
                if let deadline = connection.stallDeadline, now >= deadline {
                    connection.stalled()
                } else if let since = connection.idleSince, now - since >= idleTimeout {
                    connection.close()
                } else {
                    connection.exchange?.flushHead(heldBefore: now - sweepInterval)
                }
            }
        }
    }
}
