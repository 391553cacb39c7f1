/// What a source can tell about the host itself, beyond its devices.
///
/// Each fact is `nil` when the source cannot see it (libvirt and snapshots do not show `/proc/cmdline`).
public struct HostFacts: Sendable, Equatable {
    /// The root the host's own files were read under (`/` for this host), for a sysfs source;
    /// `nil` for sources that show no host files (libvirt, a snapshot).
    public var sourceRoot: String?
    /// The kernel command line.
    public var kernelCommandLine: String?
    /// The IOMMUs registered under `/sys/class/iommu` (`dmar0`, `ivhd0`).
    public var registeredIOMMUs: [String]?
    /// Whether `/dev/vfio/vfio`, the container node, exists.
    public var vfioContainerPresent: Bool?
    /// Whether the vfio-pci driver is registered (`/sys/bus/pci/drivers/vfio-pci`).
    public var vfioPCIDriverPresent: Bool?
    /// `/dev/vfio/N` group nodes by group number.
    public var vfioGroupNodes: [Int: FileNode]?
    /// `vfio_iommu_type1`'s `allow_unsafe_interrupts` module parameter, when readable.
    public var allowUnsafeInterrupts: Bool?
    /// Whether interrupt remapping is confirmed on, off, or unknown (`nil`).
    public var interruptRemapping: Bool?
    /// What the source read about interrupt remapping (`no IR- entries in /proc/interrupts`), or
    /// `nil` when it read nothing about it.
    public var interruptRemappingEvidence: String?
    /// Whether the `vfio_iommu_type1` module is loaded (`/sys/module/vfio_iommu_type1`): its
    /// `allow_unsafe_interrupts` parameter exists only then.
    public var vfioIOMMUType1Loaded: Bool?
    /// How the source shows that the host is itself a virtual machine (the `hypervisor` CPU flag, a
    /// hypervisor's DMI vendor), or `nil` when it does not show one.
    public var hypervisor: String?
    /// The user libvirt runs QEMU as, from `user = "…"` in the source's `/etc/libvirt/qemu.conf`.
    public var configuredQEMUUser: String?
    /// Accounts from `etc/passwd` and `etc/group` of the root, to answer permission questions.
    public var accounts: Accounts?
    /// What the host itself uses, by PCI address: mounted filesystems, swap, interfaces that are up.
    public var hostUse: [PCIAddress: [String]]?
    /// libvirt's own answer (`<iommu support='yes'/>` in its host capabilities), for libvirt sources.
    public var libvirtIOMMUSupport: Bool?

    /// Creates facts; every fact unknown by default.
    public init(
        kernelCommandLine: String? = nil, registeredIOMMUs: [String]? = nil, vfioContainerPresent: Bool? = nil,
        vfioPCIDriverPresent: Bool? = nil, vfioGroupNodes: [Int: FileNode]? = nil, allowUnsafeInterrupts: Bool? = nil,
        interruptRemapping: Bool? = nil, accounts: Accounts? = nil, hostUse: [PCIAddress: [String]]? = nil
    ) {
        self.kernelCommandLine = kernelCommandLine
        self.registeredIOMMUs = registeredIOMMUs
        self.vfioContainerPresent = vfioContainerPresent
        self.vfioPCIDriverPresent = vfioPCIDriverPresent
        self.vfioGroupNodes = vfioGroupNodes
        self.allowUnsafeInterrupts = allowUnsafeInterrupts
        self.interruptRemapping = interruptRemapping
        self.accounts = accounts
        self.hostUse = hostUse
    }

    /// The user QEMU runs as on this host: `qemu.conf`'s `user`, else `libvirt-qemu` where the
    /// accounts have it and no `qemu` (Debian's build default), else `qemu`.
    public var qemuUser: String {
        if let configuredQEMUUser { return configuredQEMUUser }
        if let users = accounts?.users, users["libvirt-qemu"] != nil, users["qemu"] == nil { return "libvirt-qemu" }
        return "qemu"
    }

    /// The kernel options that turn an IOMMU on, as the feature page lists them.
    public static let iommuOptions = ["intel_iommu=on", "amd_iommu=on", "iommu=on"]

    /// The IOMMU options present on the kernel command line, or `nil` when it is unknown.
    public var enabledIOMMUOptions: [String]? {
        guard let kernelCommandLine else { return nil }
        let words = kernelCommandLine.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        return words.map(String.init).filter { word in
            HostFacts.iommuOptions.contains(word) || word.hasPrefix("intel_iommu=on,")
        }
    }
}

/// Owner, group and permission bits of a file node.
public struct FileNode: Sendable, Equatable {
    /// Owner user id.
    public var uid: UInt32
    /// Owner group id.
    public var gid: UInt32
    /// Permission bits (`0o660`).
    public var mode: UInt32

    /// Creates a file node record.
    public init(uid: UInt32, gid: UInt32, mode: UInt32) {
        self.uid = uid
        self.gid = gid
        self.mode = mode
    }
}

/// Users and groups, as read from a root's `etc/passwd` and `etc/group`.
public struct Accounts: Sendable, Equatable {
    /// User name to (uid, primary gid).
    public var users: [String: (uid: UInt32, gid: UInt32)]
    /// Group id to (name, member user names).
    public var groups: [UInt32: (name: String, members: [String])]

    /// Creates accounts.
    public init(users: [String: (uid: UInt32, gid: UInt32)], groups: [UInt32: (name: String, members: [String])]) {
        self.users = users
        self.groups = groups
    }

    public static func == (lhs: Accounts, rhs: Accounts) -> Bool {
        lhs.users.mapValues { [$0.uid, $0.gid] } == rhs.users.mapValues { [$0.uid, $0.gid] }
            && lhs.groups.mapValues { [$0.name] + $0.members } == rhs.groups.mapValues { [$0.name] + $0.members }
    }
}
