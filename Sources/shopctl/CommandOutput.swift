import ArgumentParser
import Foundation

/// `--json`, which every command takes.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON document on standard output instead of text (errors too).")
    var json = false

    /// For a command's `validate()`: unless `condition` holds, fails with `message` (exit 64),
    /// printing the JSON error document first with `--json`, so scripts get one even for a
    /// usage error. (Errors ArgumentParser finds itself, such as an unknown option, are text only.)
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard !condition else { return }
        let message = message()
        if json { CommandOutput.printJSONError(message: message, exitCode: ExitCode.validationFailure) }
        throw ValidationError(message)
    }
}

/// What a command reports when it succeeds: a JSON document for scripts, text for people.
protocol CommandReport: Encodable, Sendable {
    /// The report as lines of text for a terminal.
    var text: String { get }
}

/// Runs commands and prints what they report: text, or exactly one JSON document on
/// standard output. Errors are printed as text on standard error and, with `--json`, also as
/// `{"error": {"message": ..., "exitCode": ...}}` on standard output; the process then exits
/// with the error's code (1, or 64 for invalid input).
struct CommandOutput: Sendable {
    let json: Bool

    init(_ options: OutputOptions) {
        json = options.json
    }

    /// Runs `body` and prints its report, or its error with the matching exit code.
    func run(_ body: () async throws -> any CommandReport) async throws {
        let report: any CommandReport
        do {
            report = try await body()
        } catch {
            let failure = ShopctlError(describing: error)
            fail(failure)
            throw failure.exitCode
        }
        if json {
            print(Self.encode(report))
        } else {
            print(report.text)
        }
    }

    /// Prints `error` (stderr, and a JSON document on stdout with `--json`).
    private func fail(_ error: ShopctlError) {
        Self.standardError("shopctl: error: \(error.message)")
        if json { Self.printJSONError(message: error.message, exitCode: error.exitCode) }
    }

    /// Prints `{"error": {"message": ..., "exitCode": ...}}` on standard output.
    static func printJSONError(message: String, exitCode: ExitCode) {
        print(encode(ErrorDocument(error: .init(message: message, exitCode: exitCode.rawValue))))
    }

    /// Writes one line to standard error: warnings and errors, never the result.
    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `value` as pretty-printed JSON with sorted keys.
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            // Every report is plain data; this would be a bug in a report type.
            return #"{"error":{"exitCode":1,"message":"cannot encode the result as JSON"}}"#
        }
    }

    private struct ErrorDocument: Encodable {
        struct Detail: Encodable {
            var message: String
            var exitCode: Int32
        }

        var error: Detail
    }
}
