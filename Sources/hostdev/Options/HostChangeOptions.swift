import ArgumentParser
import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// Where `sriov` and `mdev` write (a sysfs root) and where they learn which domains use what.
struct HostChangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The sysfs tree to change (/ for this host).", valueName: "root"))
    var sysfs = "/"

    @Option(
        name: [.customShort("c"), .long],
        help: "libvirt URI whose domains are checked (default: LIBVIRT_DEFAULT_URI).")
    var connect: String?

    @Option(help: ArgumentHelp("Check the domains of a test-driver <node> file instead.", valueName: "file"))
    var snapshot: String?

    func validate() throws {
        guard connect == nil || snapshot == nil else { throw ValidationError("give --connect or --snapshot, not both") }
    }

    /// The host's devices and what it uses, read from the sysfs root.
    func loadDevices() throws -> HostInventory {
        try load(.sysfs(root: sysfs))
    }

    /// Every domain defined on the host; unknown domains are a usage error, never an empty list.
    func loadDomains() throws -> [HostDomain] {
        let source: InventorySource
        if let connect {
            source = .libvirt(uri: connect)
        } else if let snapshot {
            source = .snapshot(path: snapshot)
        } else if let uri = getenv("LIBVIRT_DEFAULT_URI"), uri.pointee != 0 {
            source = .libvirt(uri: nil)
        } else {
            throw CommandFailure.usage(
                "which domains use the devices is unknown: pass --connect URI (or set LIBVIRT_DEFAULT_URI)")
        }
        return try load(source).domains
    }

    private func load(_ source: InventorySource) throws -> HostInventory {
        do throws(InventoryError) {
            return try source.load()
        } catch {
            throw CommandFailure.host(error.description)
        }
    }
}
