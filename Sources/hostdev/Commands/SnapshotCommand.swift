import ArgumentParser
import Hostdev

/// `hostdev snapshot`: capture a host as a test-driver file.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Capture the host's devices and domains as a libvirt test-driver file.",
        discussion: """
            Read it back anywhere with --snapshot FILE, or with --connect test:///ABS/FILE: every device \
            is written as libvirt's test driver reads it, under the same name. A device that cannot be \
            written so is an error (exit 3) and nothing is written; text XML cannot hold (control \
            characters in a vendor string) is replaced by U+FFFD, and each replacement is named on stderr.
            """)

    @OptionGroup var host: HostOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the snapshot (atomically).", valueName: "file"))
    var output: String

    func validate() throws {
        if output.isEmpty { throw ValidationError("-o needs a file name") }
    }

    func run() throws {
        try reportingFailures {
            let inventory = try host.loadInventory()
            let snapshot: SnapshotWriter.Snapshot
            do throws(InventoryError) {
                snapshot = try SnapshotWriter.snapshot(of: inventory)
            } catch {
                throw CommandFailure.host(error.description)
            }
            do throws(AtomicFile.WriteError) {
                try AtomicFile.write(snapshot.bytes, to: output)
            } catch {
                throw CommandFailure.writing(error)
            }
            for note in snapshot.notes { printError("hostdev: note: " + note) }
            printError("wrote \(inventory.devices.count) devices and \(inventory.domains.count) domains to \(output)")
        }
    }
}
