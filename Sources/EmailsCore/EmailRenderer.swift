import Contracts
import Foundation
import Mustache

/// A rendered email: subject, text part and HTML part.
public struct RenderedEmail: Sendable, Hashable {
    public var subject: String
    public var text: String
    public var html: String
}

/// Renders the email templates (`Templates/<name>.{subject,text,html}.mustache`, shipped as
/// resources of this module). All templates are parsed once at start: a broken template stops
/// the process then, not at the first email.
public struct EmailRenderer: Sendable {
    struct Parts: Sendable {
        var subject: MustacheTemplate
        var text: MustacheTemplate
        var html: MustacheTemplate
    }

    private let templates: [EmailTemplate: Parts]

    /// Loads every template of ``EmailTemplate`` from `directory` (default: this module's resources).
    public init(directory: URL? = nil) throws {
        guard let directory = directory ?? Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw EmailRenderingError.missingTemplates("the Templates resource folder is not bundled")
        }
        var templates: [EmailTemplate: Parts] = [:]
        for template in EmailTemplate.allCases {
            func load(_ part: String) throws -> MustacheTemplate {
                let file = directory.appendingPathComponent("\(template.rawValue).\(part).mustache")
                guard let source = try? String(contentsOf: file, encoding: .utf8) else {
                    throw EmailRenderingError.missingTemplates("cannot read \(file.lastPathComponent)")
                }
                return try MustacheTemplate(string: source)
            }
            templates[template] = Parts(subject: try load("subject"), text: try load("text"), html: try load("html"))
        }
        self.templates = templates
    }

    /// Renders `template` with `variables`.
    public func render(_ template: EmailTemplate, variables: [String: JSONValue]) throws -> RenderedEmail {
        guard let parts = templates[template] else {
            throw EmailRenderingError.missingTemplates("no template named \(template.rawValue)")
        }
        let context: [String: Any] = variables.mapValues { $0.plainValue as Any }
        let subject = parts.subject.render(context).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !subject.isEmpty else {
            throw EmailRenderingError.emptySubject(template.rawValue)
        }
        return RenderedEmail(subject: subject, text: parts.text.render(context), html: parts.html.render(context))
    }
}

/// A template is missing or renders nothing useful: a permanent failure.
public enum EmailRenderingError: Error, CustomStringConvertible {
    case missingTemplates(String)
    case emptySubject(String)

    public var description: String {
        switch self {
        case .missingTemplates(let reason): "email templates: \(reason)"
        case .emptySubject(let template): "template \(template) renders an empty subject"
        }
    }
}
