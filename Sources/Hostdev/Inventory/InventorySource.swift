import Libvirt

/// Where a host inventory comes from.
public enum InventorySource: Sendable, Equatable, CustomStringConvertible {
    /// libvirt over its API (`test:///ABS/PATH.xml` for the in-process test driver);
    /// `nil` lets libvirt choose, honouring `LIBVIRT_DEFAULT_URI`.
    case libvirt(uri: String?)
    /// A sysfs tree under a root (`/` for the live host).
    case sysfs(root: String)
    /// A test-driver `<node>` file read by our own parser.
    case snapshot(path: String)

    /// The source a command uses when none is named: libvirt's default connection when
    /// `LIBVIRT_DEFAULT_URI` is set; otherwise, for commands that check the host they run on (as
    /// virt-host-validate does), this host's sysfs (`/`); otherwise none.
    public static func unnamed(environment: [String: String], thisHost: Bool) -> InventorySource? {
        if environment["LIBVIRT_DEFAULT_URI"] != nil { return .libvirt(uri: nil) }
        return thisHost ? .sysfs(root: "/") : nil
    }

    /// Builds the inventory.
    public func load() throws(InventoryError) -> HostInventory {
        switch self {
        case .libvirt(let uri):
            let connection = try LibvirtSource.libvirt { () throws(LibvirtError) in
                try Connection(uri: uri, readOnly: true)
            }
            let inventory = try LibvirtSource.load(connection: connection)
            // On this host, the host-use guard reads /sys (see readingHostUse(fromSysfs:)).
            return HostInventory.isLocal(uri: inventory.origin) ? inventory.readingHostUse(fromSysfs: "/") : inventory
        case .sysfs(let root):
            return try SysfsSource.load(root: root)
        case .snapshot(let path):
            return try SnapshotSource.load(path: path)
        }
    }

    public var description: String {
        switch self {
        case .libvirt(let uri): uri ?? "libvirt default connection"
        case .sysfs(let root): "sysfs \(root)"
        case .snapshot(let path): "snapshot \(path)"
        }
    }
}
