// The floor of any hostdev process: a swift-argument-parser command that declares the arguments of
// `hostdev transform` and does nothing with them, linked as the shipping binary is (release, the
// Swift runtime and FoundationEssentials linked in, which swift-argument-parser imports itself).
// Benchmarks/goals.sh times it beside xmllint --format: what remains of the goal for the work.
//
//   hostdev-parser-floor transform [DOMAIN.xml] [--vm-create FILE] [--snapshot FILE] [--no-schema]
import ArgumentParser

struct Floor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hostdev-parser-floor", subcommands: [Transform.self])
}

struct Transform: ParsableCommand {
    @Argument var domain: String?
    @Flag(name: .customLong("new")) var newDomain = false
    @Option(name: .customLong("vm-create")) var vmCreate: String?
    @Option var snapshot: String?
    @Option var connect: String?
    @Flag(name: .customLong("include-group")) var includeGroup = false
    @Option var schemas: String = "/usr/share/libvirt/schemas"
    @Flag(name: .customLong("no-schema")) var noSchema = false
    @Flag(name: .customLong("full-schema")) var fullSchema = false
    @Option(name: .shortAndLong) var output: String?
    @Flag(name: .customLong("in-place")) var inPlace = false

    func run() {}
}

Floor.main()
