import ArgumentParser

struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snapshot", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'snapshot' is not available yet") }
    }
}
