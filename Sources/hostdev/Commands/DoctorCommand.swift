import ArgumentParser

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "(not available yet)")

    func run() throws {
        try reportingFailures { throw CommandFailure.usage("'doctor' is not available yet") }
    }
}
