import ArgumentParser

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "explain", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'explain' is not available yet") }
    }
}
