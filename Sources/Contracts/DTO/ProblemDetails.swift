/// An RFC 9457 problem: the body of every error answer (`application/problem+json`).
public struct ProblemDetails: Codable, Sendable, Hashable {
    /// One field that failed validation.
    public struct FieldError: Codable, Sendable, Hashable {
        public var field: String
        public var message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var instance: String?
    public var errors: [FieldError]?

    public init(type: String = "about:blank", title: String, status: Int, detail: String?, instance: String? = nil, errors: [FieldError]? = nil) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.instance = instance
        self.errors = errors
    }
}
