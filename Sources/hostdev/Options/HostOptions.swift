import ArgumentParser
import Hostdev

/// The options that select a host inventory, shared by every host-facing command.
struct HostOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "libvirt URI (test:///ABS/PATH.xml for a test-driver host).")
    var connect: String?

    @Option(help: ArgumentHelp("A sysfs tree to read (/ for this host).", valueName: "root"))
    var sysfs: String?

    @Option(help: ArgumentHelp("A test-driver <node> file, read offline.", valueName: "file"))
    var snapshot: String?

    func validate() throws {
        let given = [connect != nil, sysfs != nil, snapshot != nil].filter { $0 }.count
        guard given <= 1 else { throw ValidationError("give one of --connect, --sysfs, --snapshot, not several") }
    }

    /// The selected source; `nil` when none was given.
    var source: InventorySource? {
        if let connect { return .libvirt(uri: connect) }
        if let sysfs { return .sysfs(root: sysfs) }
        if let snapshot { return .snapshot(path: snapshot) }
        return nil
    }

    /// Loads the inventory, exiting with code 2 when no source was given and 3 when it fails.
    func loadInventory(defaultToLibvirt: Bool = true) throws -> HostInventory {
        let selected = source ?? (defaultToLibvirt ? .libvirt(uri: nil) : nil)
        guard let selected else {
            throw CommandFailure.usage("this needs a host: pass --connect URI, --sysfs ROOT or --snapshot FILE")
        }
        do throws(InventoryError) {
            return try selected.load()
        } catch {
            throw CommandFailure.host(error.description)
        }
    }
}
