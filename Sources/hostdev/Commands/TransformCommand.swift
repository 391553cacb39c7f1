import ArgumentParser
import Hostdev

/// `hostdev transform`: the pipeline filter.
struct TransformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Add requested host devices to a domain, checked, and mark it non-migratable.",
        discussion: """
            Reads vmCreate parameters (--vm-create) and a domain (a file, or standard input when none is named \
            or with '-'; --new builds a minimal one from the parameters instead), resolves every requested \
            device against the host, refuses what libvirt, QEMU or the kernel would refuse later (an \
            incomplete IOMMU group, a bridge, a device another domain owns, ...), and writes the domain with \
            <hostdev mode='subsystem' type='pci' managed='no'> elements and the non-migratable marker.
            Findings go to stderr as FILE:LINE:COLUMN: severity: message [rule]. Nothing is written when any \
            check fails (exit 1).
            """)

    @OptionGroup var arguments: TransformArguments

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write the result here instead of stdout: a new file of yours (atomically), or through a device or FIFO.",
            valueName: "file"))
    var output: String?

    @Flag(
        name: .customLong("in-place"),
        help: """
            Replace the domain file atomically (following a link of yours or root's), keeping its owner, group, mode and extended \
            attributes, locked against a concurrent edit.
            """)
    var inPlace = false

    func validate() throws {
        if inPlace && output != nil { throw ValidationError("give -o FILE or --in-place, not both") }
        if output == "" { throw ValidationError("-o needs a file name") }
        if inPlace && (arguments.domain == nil || arguments.domain == "-") {
            throw ValidationError("--in-place needs a domain file")
        }
    }

    func run() throws {
        try reportingFailures {
            if inPlace, let domain = arguments.domain {
                try editInPlace(domain)
                return
            }
            let result = try arguments.run()
            guard let xml = result.xml else { return }
            if let output {
                do throws(AtomicFile.WriteError) {
                    try AtomicFile.write(xml, to: output)
                } catch {
                    throw CommandFailure.writing(error)
                }
            } else {
                try StandardOutput.write(xml)
            }
        }
    }

    /// Reads, transforms and replaces the file with its lock held throughout.
    private func editInPlace(_ domain: String) throws {
        let file: InPlaceFile
        do throws(AtomicFile.WriteError) {
            file = try InPlaceFile(path: domain)
        } catch {
            throw CommandFailure.writing(error)
        }
        let result = try arguments.run { _ in
            do {
                return try file.read()
            } catch {
                throw CommandFailure.usage("\(error)")
            }
        }
        guard let xml = result.xml, result.changed else { return }
        do throws(AtomicFile.WriteError) {
            try file.replace(with: xml)
        } catch {
            throw CommandFailure.writing(error)
        }
    }
}
