import ArgumentParser
import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// The options that select a host inventory, shared by every host-facing command.
struct HostOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "libvirt URI (test:///ABS/PATH.xml for a test-driver host).")
    var connect: String?

    @Option(help: ArgumentHelp("A sysfs tree to read (/ for this host).", valueName: "root"))
    var sysfs: String?

    @Option(
        help: ArgumentHelp(
            "A test-driver <node> file, read offline (exit 2 when it cannot be read or parsed).", valueName: "file"))
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

    /// The selected source, or libvirt's default connection when `LIBVIRT_DEFAULT_URI` names one.
    var sourceOrDefault: InventorySource? {
        source ?? InventorySource.unnamed(environment: environment, thisHost: false)
    }

    private var environment: [String: String] {
        getenv("LIBVIRT_DEFAULT_URI").map { ["LIBVIRT_DEFAULT_URI": String(cString: $0)] } ?? [:]
    }

    /// Loads the inventory, exiting with code 2 when no source was given or the snapshot file is
    /// bad, and 3 when libvirt or the sysfs tree fails.
    /// With `thisHost`, no source and no `LIBVIRT_DEFAULT_URI` mean this host (`--sysfs /`).
    func loadInventory(thisHost: Bool = false) throws -> HostInventory {
        guard let selected = source ?? InventorySource.unnamed(environment: environment, thisHost: thisHost) else {
            throw CommandFailure.usage(
                "this needs a host: pass --connect URI, --sysfs ROOT or --snapshot FILE (or set LIBVIRT_DEFAULT_URI)")
        }
        do throws(InventoryError) {
            return try selected.load()
        } catch {
            // A snapshot is a file the user gave: unreadable or malformed, it is bad input (2), as a
            // domain file is; libvirt and sysfs failures are the host's (3).
            if case .snapshot = selected, error.code == .unreadable || error.code == .malformed {
                throw CommandFailure.usage(error.description)
            }
            throw CommandFailure.host(error.description)
        }
    }
}
