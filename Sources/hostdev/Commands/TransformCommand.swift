import ArgumentParser

struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "transform", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'transform' is not available yet") }
    }
}
