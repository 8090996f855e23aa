import Hummingbird

extension ShopRequestContext {
    /// The caller, refused with `403` when `required` and their access token does not say their
    /// email is verified (`email_verified`); `401` without a token. A token issued before the
    /// verification says `false`: the client gets a new one with `POST /auth/refresh`.
    public func requireVerifiedEmail(required: Bool) throws(HTTPProblem) -> Identity {
        let identity = try requireIdentity()
        guard !required || identity.emailVerified else {
            throw HTTPProblem.forbidden(
                "Verify your email address first: open the link in the verification email (or ask for a new one with "
                    + "POST /auth/resend-verification), then get a new access token with POST /auth/refresh."
            )
        }
        return identity
    }
}
