import ArgumentParser

struct CapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "caps", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'caps' is not available yet") }
    }
}
