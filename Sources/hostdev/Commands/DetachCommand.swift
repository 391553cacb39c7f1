import ArgumentParser

struct DetachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "detach", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'detach' is not available yet") }
    }
}
