import ArgumentParser
import Hostdev

/// `hostdev snapshot`: capture a host as a test-driver file.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Capture the host's devices and domains as a libvirt test-driver file.",
        discussion: "Read it back anywhere with --snapshot FILE, or with --connect test:///ABS/FILE.")

    @OptionGroup var host: HostOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the snapshot (atomically).", valueName: "file"))
    var output: String

    func run() throws {
        try reportingFailures {
            let inventory = try host.loadInventory()
            do throws(AtomicFile.WriteError) {
                try SnapshotWriter.write(inventory, to: output)
            } catch {
                throw CommandFailure.writing(error)
            }
            printError("wrote \(inventory.devices.count) devices and \(inventory.domains.count) domains to \(output)")
        }
    }
}
