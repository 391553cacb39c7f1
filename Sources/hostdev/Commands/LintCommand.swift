import ArgumentParser

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'lint' is not available yet") }
    }
}
