import ArgumentParser
import Hostdev

/// `hostdev transform`: the pipeline filter.
struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Add requested host devices to a domain, checked, and mark it non-migratable.",
        discussion: """
            Reads vmCreate parameters (--vm-create) and a domain (file or '-'), resolves every requested \
            device against the host, refuses what libvirt, QEMU or the kernel would refuse later (an \
            incomplete IOMMU group, a bridge, a device another domain owns, ...), and writes the domain with \
            <hostdev mode='subsystem' type='pci' managed='no'> elements and the non-migratable marker.
            Findings go to stderr as FILE:LINE:COLUMN: severity: message [rule]. Nothing is written when any \
            check fails (exit 1).
            """)

    @OptionGroup var arguments: TransformArguments

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the result here (atomically) instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(name: .customLong("in-place"), help: "Replace the domain file atomically, keeping its permissions.")
    var inPlace = false

    func validate() throws {
        if inPlace && output != nil { throw ValidationError("give -o FILE or --in-place, not both") }
        if inPlace && (arguments.domain == nil || arguments.domain == "-") {
            throw ValidationError("--in-place needs a domain file")
        }
    }

    func run() throws {
        try reportingFailures {
            let result = try arguments.run()
            guard let xml = result.xml else { return }
            if let target = inPlace ? arguments.domain : output {
                if inPlace && !result.changed { return }
                do throws(AtomicFile.WriteError) {
                    try AtomicFile.write(xml, to: target)
                } catch {
                    throw CommandFailure.host(error.description)
                }
            } else {
                writeStandardOutput(xml)
            }
        }
    }
}
