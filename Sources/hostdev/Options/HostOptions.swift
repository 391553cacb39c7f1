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

    /// The selected source, or libvirt's default connection when `LIBVIRT_DEFAULT_URI` names one.
    var sourceOrDefault: InventorySource? {
        source ?? InventorySource.unnamed(environment: environment, thisHost: false)
    }

    private var environment: [String: String] {
        getenv("LIBVIRT_DEFAULT_URI").map { ["LIBVIRT_DEFAULT_URI": String(cString: $0)] } ?? [:]
    }

    /// Loads the inventory, exiting with code 2 when no source was given and 3 when it fails.
    /// With `thisHost`, no source and no `LIBVIRT_DEFAULT_URI` mean this host (`--sysfs /`).
    func loadInventory(thisHost: Bool = false) throws -> HostInventory {
        guard let selected = source ?? InventorySource.unnamed(environment: environment, thisHost: thisHost) else {
            throw CommandFailure.usage(
                "this needs a host: pass --connect URI, --sysfs ROOT or --snapshot FILE (or set LIBVIRT_DEFAULT_URI)")
        }
        do throws(InventoryError) {
            return try selected.load()
        } catch {
            throw CommandFailure.host(error.description)
        }
    }
}
