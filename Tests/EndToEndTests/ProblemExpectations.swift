import Contracts
import Testing
import TestSupport

/// Expects `reply` to be an `application/problem+json` answer with `status`, whose detail or
/// field errors mention `mention`, and with an entry for `field` when given.
func expectProblem(
    _ reply: APIClient.Reply, _ status: Int, mentioning mention: String? = nil, field: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(reply.status == status, "expected \(status), got \(reply.status): \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.contentType.hasPrefix("application/problem+json"), "content type \(reply.contentType)", sourceLocation: sourceLocation)
    let problem = try? reply.decode(ProblemDetails.self)
    #expect(problem?.status == status, sourceLocation: sourceLocation)
    #expect(problem?.title.isEmpty == false, sourceLocation: sourceLocation)
    if let mention {
        let text = "\(problem?.detail ?? "") \(problem?.errors?.map { "\($0.field) \($0.message)" }.joined(separator: " ") ?? "")"
        #expect(text.localizedCaseInsensitiveContains(mention), "'\(text)' does not mention '\(mention)'", sourceLocation: sourceLocation)
    }
    if let field {
        #expect(problem?.errors?.contains { $0.field == field } == true, "no error for field \(field): \(reply.text)", sourceLocation: sourceLocation)
    }
}
