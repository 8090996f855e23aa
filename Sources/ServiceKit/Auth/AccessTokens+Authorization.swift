extension AccessTokens {
    /// The token of an `Authorization: Bearer <token>` value, or `nil` for any other scheme.
    public static func bearerToken(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    /// The caller of an `Authorization` header value: `401` when it is not a bearer token, or
    /// the token is forged, expired or malformed.
    public func identity(authorization: String) async throws(HTTPProblem) -> Identity {
        guard let token = Self.bearerToken(authorization) else {
            throw HTTPProblem.unauthorized("The Authorization header must be 'Bearer <access token>'.")
        }
        guard let identity = await verify(token) else {
            throw HTTPProblem.unauthorized("The access token is invalid or has expired.")
        }
        return identity
    }
}
