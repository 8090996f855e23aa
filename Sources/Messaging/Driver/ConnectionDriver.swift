import Foundation
import Logging

/// The dedicated thread behind one ``AMQPConnection``: it owns the rabbitmq-c connection
/// (which is not thread-safe) and makes every rabbitmq-c call.
///
/// Its loop runs the commands callers submitted, reads the frames that arrived (confirms,
/// deliveries, returns, broker closes) without blocking, then `poll()`s the AMQP socket and
/// the mailbox's eventfd with a timeout well under the heartbeat interval, so rabbitmq-c gets
/// called often enough to send and check heartbeats however long handlers run elsewhere.
/// When the connection dies it fails pending publishes, reconnects with backoff, re-declares
/// the registered queues and re-subscribes the consumers on their existing streams.
/// Confined to its thread: nothing here is shared.
final class ConnectionDriver {
    static let publishingChannel: UInt16 = 1
    static let managementChannel: UInt16 = 2
    static let getChannel: UInt16 = 3
    static let firstConsumerChannel: UInt16 = 10

    enum Phase {
        case running
        /// Consumers are cancelled; waiting for outstanding confirms until the deadline.
        case draining(deadline: ContinuousClock.Instant)
    }

    let configuration: AMQPConfiguration
    var logger: Logger
    let mailbox: CommandMailbox
    let status: ConnectionStatus
    let backoff: ReconnectBackoff

    /// The live connection; nil while disconnected.
    var session: AMQPSession?
    var phase = Phase.running
    /// Commands taken from the mailbox and not yet run (or waiting for a connection).
    var queued: [ConnectionCommand] = []
    /// Queue declarations re-run after every connect, by first declaration order.
    var declarations: [QueueDeclaration] = []
    var consumers: [UInt64: ConsumerRecord] = [:]
    var consumerIDByChannel: [UInt16: UInt64] = [:]
    var publisher = PublishTracker()
    /// Acks nobody waits for, taken from the mailbox and not sent yet, oldest first.
    var pendingAcks: [HeldAck] = []
    /// Per channel: which of its acks can go out as one (see ``AckCoalescer``).
    var ackCoalescers: [UInt16: AckCoalescer] = [:]
    var reconnectAttempt = 0
    private var lastChannelSerial: UInt64 = 0

    init(configuration: AMQPConfiguration, logger: Logger, mailbox: CommandMailbox, status: ConnectionStatus) {
        self.configuration = configuration
        self.mailbox = mailbox
        self.status = status
        self.backoff = ReconnectBackoff(initial: configuration.reconnectInitialDelay, maximum: configuration.reconnectMaxDelay)
        var logger = logger
        logger[metadataKey: "amqp.host"] = "\(configuration.host)"
        logger[metadataKey: "amqp.port"] = "\(configuration.port)"
        logger[metadataKey: "amqp.vhost"] = "\(configuration.virtualHost)"
        logger[metadataKey: "amqp.user"] = "\(configuration.username)"
        logger[metadataKey: "amqp.connection"] = "\(configuration.connectionName)"
        self.logger = logger
    }

    /// Runs until graceful shutdown completes; returns on the driver thread.
    func run() {
        logger.info("AMQP connection starting")
        while true {
            if case .running = phase, mailbox.isShutdownRequested {
                beginShutdown()
            }
            if case .draining(let deadline) = phase {
                if session == nil || isDrained || ContinuousClock.now >= deadline { break }
            }
            guard let session else {
                connectOrWait()
                continue
            }
            do {
                try service(session)
            } catch {
                connectionLost(reason: Self.reason(error))
            }
        }
        finish()
    }

    /// One turn of the connected loop: commands, frames, due consumer retries, then waiting.
    private func service(_ session: AMQPSession) throws(SessionError) {
        let commands = queued + mailbox.takeAll()
        queued.removeAll()
        for (index, command) in commands.enumerated() {
            do {
                try execute(command)
            } catch {
                // The connection is gone: the rest wait for the next one.
                queued = Array(commands[(index + 1)...]) + queued
                throw error
            }
        }
        try sendDueAcks()
        try readAvailableFrames(budget: 1024)
        try retryDueConsumers()
        session.releaseBuffers()
        if session.hasBufferedInput { return }
        if case .running = phase, mailbox.isShutdownRequested { return }
        let interval = pollInterval(heartbeatSeconds: session.heartbeatSeconds)
        let acks = ackDeadline()
        if let remaining = acks.remaining, remaining < interval {
            // Held acks are due before the heartbeat check: wait no longer than that.
            waitForInput(socket: session.socketDescriptor, timeout: remaining, acksToWake: acks.acksToWake)
        } else if !waitForInput(socket: session.socketDescriptor, timeout: interval, acksToWake: acks.acksToWake),
            session.heartbeatSeconds > 0
        {
            // Idle for a whole interval: give rabbitmq-c a moment to send a due heartbeat and
            // to notice a broker whose heartbeats stopped (it then closes the socket).
            if let method = try session.nextMethod(timeout: .milliseconds(1)) {
                try handle(method, on: session)
            }
        }
    }

    /// Nothing left to wait for before closing: no unconfirmed publish, no queued command
    /// (an ack submitted without waiting is sent before the connection closes).
    private var isDrained: Bool {
        publisher.count == 0 && queued.isEmpty && pendingAcks.isEmpty && mailbox.isEmpty
    }

    /// Waits until the socket (if any) is readable, a command arrives (an ack nobody waits
    /// for: `acksToWake` of them), or `timeout` passes; false if `timeout` passed. Returns at
    /// once if commands are already waiting.
    @discardableResult
    func waitForInput(socket: Int32?, timeout: Duration, acksToWake: Int = 1) -> Bool {
        guard mailbox.prepareToWait(acksToWake: acksToWake) else { return true }
        defer { mailbox.finishedWaiting() }
        var descriptors = [pollfd(fd: mailbox.wakeUp.descriptor, events: Int16(POLLIN), revents: 0)]
        if let socket {
            descriptors.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0))
        }
        // Rounded up: a wait cut to 0 ms would spin until the time has passed.
        let milliseconds = Int32(clamping: max(0, Int64((ReconnectBackoff.seconds(timeout) * 1000).rounded(.up))))
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        if descriptors[0].revents != 0 {
            mailbox.wakeUp.clear()
        }
        return ready != 0
    }

    /// A quarter of the heartbeat interval, between 50 ms and 1 s: rabbitmq-c sends a heartbeat
    /// only from inside a call, and the broker gives up after two missed intervals.
    func pollInterval(heartbeatSeconds: Int) -> Duration {
        guard heartbeatSeconds > 0 else { return .seconds(1) }
        let quarter = Duration.milliseconds(heartbeatSeconds * 250)
        return max(.milliseconds(50), min(.seconds(1), quarter))
    }

    /// A new channel-opening serial; never reused, so stale deliveries never match.
    func nextChannelSerial() -> UInt64 {
        lastChannelSerial += 1
        return lastChannelSerial
    }

    static func reason(_ error: SessionError) -> String {
        switch error {
        case .connection(let reason): reason
        case .channel(let channel, let code, let text): "channel \(channel) closed: \(code) \(text)"
        }
    }
}
