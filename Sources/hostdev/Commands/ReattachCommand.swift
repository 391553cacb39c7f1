import ArgumentParser

struct ReattachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reattach", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'reattach' is not available yet") }
    }
}
