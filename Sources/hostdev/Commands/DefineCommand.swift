import ArgumentParser

struct DefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "define", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'define' is not available yet") }
    }
}
