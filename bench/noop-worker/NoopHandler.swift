import WorkerRuntime

/// Does nothing with the message: what is left is the runtime's own cost per delivery
/// (stream, decode, task, metrics, logger metadata, ack through the connection thread).
struct NoopHandler: WorkerHandler {
    let meter: DrainMeter

    func handle(_ message: BenchPing, context: MessageContext) async throws {
        meter.started()
        meter.finished(message.n)
    }
}
