import Contracts
import EmailsCore
import Mail
import ServiceKit
import WorkerRuntime

/// Sends emails a batch at a time through an ``EmailDispatcher``: each email once per
/// idempotency key, the batch's email log writes in two statements (two commits) whatever
/// its size. Each message is settled on its own: one that cannot be composed, or that the SMTP
/// server refuses for good, is dead-lettered; one whose send failed for now is retried alone,
/// and so is one that another batch is sending at the same time.
struct SendEmailHandler: BatchWorkerHandler {
    let dispatcher: EmailDispatcher

    func handle(_ batch: [BatchItem<SendEmail>]) async throws -> BatchFailures {
        var failures = BatchFailures()
        let results = try await dispatcher.dispatch(batch.map(\.message))
        for (index, (item, result)) in zip(batch, results).enumerated() {
            var logger = item.context.logger
            logger[metadataKey: "email.key"] = "\(item.message.idempotencyKey)"
            logger[metadataKey: "email.template"] = "\(item.message.template.rawValue)"
            switch result {
            case .success(.sent(let entryId)):
                logger.info("email sent", metadata: ["email.id": "\(entryId)"])
            case .success(.alreadySent(let entryId)):
                logger.info("email already sent; not sending it again", metadata: ["email.id": "\(entryId)"])
            case .failure(let error) where error.isPermanent:
                failures.record(PermanentFailure(error.description), at: index)
            case .failure(.inProgressElsewhere(let key)):
                // Not an attempt of its own: retried until that attempt has sent it (or failed).
                logger.info("email being sent by another attempt; checking again later")
                failures.record(RetryLater(EmailDispatchError.inProgressElsewhere(key: key).description), at: index)
            case .failure(.notSent(_, let cause)):
                logger.warning("email not sent; it will be retried", metadata: ["error": "\(cause)"])
                // An unreachable SMTP server is an outage: retried without using up an attempt.
                let unreachable = (cause as? MailError)?.isServerUnreachable ?? false
                failures.record(unreachable ? DependencyUnavailable(cause) : cause, at: index)
            case .failure(let error):
                failures.record(error, at: index)
            }
        }
        return failures
    }
}
