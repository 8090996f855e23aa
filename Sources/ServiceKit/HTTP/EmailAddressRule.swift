import Foundation

/// A pragmatic email address check: one `@`, a non-empty local part, a dotted domain,
/// no spaces, at most 254 characters. Deliverability is proven by the verification email.
public enum EmailAddressRule {
    /// Whether `email` (surrounding spaces ignored) looks like a deliverable address.
    public static func isValid(_ email: String) -> Bool {
        let email = email.trimmingCharacters(in: .whitespaces)
        guard email.count <= 254, !email.contains(where: \.isWhitespace) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}
