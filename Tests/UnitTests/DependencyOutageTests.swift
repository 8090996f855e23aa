import Mail
import RedisStore
import ServiceKit
import Testing

@Suite("Dependency outages: told apart from failures of the work")
struct DependencyOutageTests {
    @Test("an SMTP server that never answered is unreachable; one that replied is not")
    func smtpServerUnreachable() {
        let refused = MailError(.connectionFailed, message: "couldn't connect")
        let busy = MailError(.rejected, responseCode: 451, message: "try again later")
        let rejected = MailError(.rejected, responseCode: 550, message: "no such mailbox")
        let invalid = MailError(.invalid, message: "no recipient")
        let lost = MailError(.connectionLost, message: "reset after DATA")
        #expect(refused.isServerUnreachable)
        #expect(!busy.isServerUnreachable)
        #expect(!rejected.isServerUnreachable)
        #expect(!invalid.isServerUnreachable)
        #expect(!lost.isServerUnreachable && lost.isTransient)
    }

    @Test("an error reported as DependencyUnavailable is an outage; the same error alone is not")
    func reportedOutages() {
        let refused = MailError(.connectionFailed, message: "couldn't connect")
        #expect(DependencyOutage.isOutage(DependencyUnavailable(refused)))
        #expect(!DependencyOutage.isOutage(refused))
        #expect("\(DependencyUnavailable(refused))" == "\(refused)")
    }

    @Test("Redis down is an outage; an ordinary error is not")
    func knownDependencies() {
        #expect(DependencyOutage.isOutage(RedisError.unavailable(reason: "connection refused")))
        #expect(!DependencyOutage.isOutage(CancellationError()))
    }
}
