import Mail
import RedisStore
import ServiceKit
import Testing

@Suite("Dependency outages: told apart from failures of the work")
struct DependencyOutageTests {
    @Test("an SMTP server that never answered is unreachable; one that replied is not")
    func smtpServerUnreachable() {
        let refused = MailError(curlCode: 7, responseCode: nil, message: "couldn't connect", isTransient: true)
        let busy = MailError(curlCode: 0, responseCode: 451, message: "try again later", isTransient: true)
        let rejected = MailError(curlCode: 0, responseCode: 550, message: "no such mailbox", isTransient: false)
        let invalid = MailError(curlCode: 0, responseCode: nil, message: "no recipient", isTransient: false)
        #expect(refused.isServerUnreachable)
        #expect(!busy.isServerUnreachable)
        #expect(!rejected.isServerUnreachable)
        #expect(!invalid.isServerUnreachable)
    }

    @Test("an error reported as DependencyUnavailable is an outage; the same error alone is not")
    func reportedOutages() {
        let refused = MailError(curlCode: 7, responseCode: nil, message: "couldn't connect", isTransient: true)
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
