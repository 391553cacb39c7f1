/// The passthrough failures `hostdev explain` recognises: QEMU's and libvirt's own wording, the
/// cause in one sentence, and the fix. One entry per message family; the first that matches a line wins.
struct KnownFailure: Sendable {
    /// A stable id, for programs.
    let id: String
    /// A POSIX extended regular expression over one log line; its first capture, when there is one,
    /// is a number or a device the cause and the host details refer to.
    let pattern: String
    /// `pattern`, compiled once.
    let regex: ExtendedRegex
    /// Why it happened, in one sentence; `{n}` stands for the captured number.
    let cause: String
    /// What to do.
    let fix: String
    /// What host facts explain it further.
    let detail: Detail

    enum Detail: Sendable {
        case none
        case groupMembers
        case groupNode
    }

    init(id: String, pattern: String, cause: String, fix: String, detail: Detail) {
        self.id = id
        self.pattern = pattern
        self.regex = ExtendedRegex(pattern)
        self.cause = cause
        self.fix = fix
        self.detail = detail
    }

    /// Every pattern in one alternation, to pass over the lines none matches (nearly all of a log)
    /// in one `regexec`.
    static let anyPattern = ExtendedRegex(all.map { "(\($0.pattern))" }.joined(separator: "|"))

    static let all: [KnownFailure] = [
        KnownFailure(
            id: "vfio-permission",
            pattern: #"vfio: error opening /dev/vfio/([0-9]+): Permission denied"#,
            cause:
                "QEMU's user cannot open the IOMMU group's device node /dev/vfio/{n} (VDSM: it lacks the o+rw permissions QEMU needs).",
            fix:
                "make /dev/vfio/{n} readable and writable by the QEMU user (chown qemu /dev/vfio/{n}, or a udev rule SUBSYSTEM==\"vfio\", OWNER=\"qemu\"); libvirt does it itself for the groups of a guest it starts",
            detail: .groupNode),
        KnownFailure(
            id: "vfio-open-failed",
            pattern: #"failed to open /dev/vfio/([0-9]+)"#,
            cause:
                "the IOMMU group's device node /dev/vfio/{n} could not be opened: it is missing (the group is not bound to vfio-pci) or not accessible.",
            fix:
                "bind every device of the group to vfio-pci (hostdev detach ...) and check the node's owner and mode (hostdev doctor)",
            detail: .groupNode),
        KnownFailure(
            id: "group-not-viable",
            pattern: #"group ([0-9]+) is not viable"#,
            cause:
                "another device of IOMMU group {n} is still bound to a host driver, so vfio cannot isolate the group.",
            fix:
                "assign every endpoint of the group to the guest (hostdev transform --include-group) or detach the others from their host drivers (hostdev detach ...); the feature page's alternative, vfio_iommu_type1.allow_unsafe_interrupts=1 on the kernel command line, trades away isolation and may lead to vulnerability or instability",
            detail: .groupMembers),
        KnownFailure(
            id: "failed-to-get-group",
            pattern: #"vfio: failed to get group ([0-9]+)"#,
            cause:
                "QEMU could not take IOMMU group {n}; the line before it says why (permission, or a group that is not viable).",
            fix: "fix the error reported just before this line",
            detail: .groupMembers),
        KnownFailure(
            id: "device-initialization-failed",
            pattern: #"Device initialization failed|Device 'vfio-pci' could not be initialized"#,
            cause:
                "the vfio-pci device of the guest could not start; this is the consequence of the vfio error reported before it.",
            fix: "fix the first vfio error of the block", detail: .none),
        KnownFailure(
            id: "unmanaged-not-detached",
            pattern: #"Unmanaged PCI device ([^[:space:]]+) must be manually detached from the host"#,
            cause: "the hostdev is managed='no' and the device is still bound to its host driver.",
            fix:
                "detach it before starting the guest: hostdev detach pci_DDDD_BB_SS_F (virNodeDeviceDetachFlags with vfio)",
            detail: .none),
        KnownFailure(
            id: "in-use-by-driver",
            pattern: #"PCI device ([^[:space:]]+) is in use by driver ([^[:space:]]+)"#,
            cause:
                "the device is already taken: assigned to another running guest (driver QEMU) or held by a host driver.",
            fix: "stop or reconfigure the domain that holds it, or pick another device; hostdev list shows owners",
            detail: .none),
        KnownFailure(
            id: "migration-refused",
            pattern:
                #"cannot migrate a domain with <hostdev|[Cc]annot migrate domain.*VFIO device doesn't support migration"#,
            cause: "the domain holds a host device, and a host device cannot move with a guest: migration is refused.",
            fix:
                "do not migrate guests with host devices (hostdev transform marks them non-migratable); hot-unplug the device first if the guest must move",
            detail: .none),
        KnownFailure(
            id: "vfio-unsupported",
            pattern:
                #"VFIO device assignment is currently not supported on this system|host doesn't support VFIO PCI passthrough|host doesn't support passthrough of host PCI devices"#,
            cause: "vfio is not usable on this host: the IOMMU is off or the vfio modules are not loaded.",
            fix:
                "enable VT-d/AMD-Vi in the firmware, add intel_iommu=on or amd_iommu=on to the kernel command line, reboot, and modprobe vfio-pci (hostdev caps and hostdev doctor check each step)",
            detail: .none),
        KnownFailure(
            id: "no-such-device",
            pattern: #"[Nn]o such (host )?device|Device .* not found: could not access /sys/bus/pci/devices"#,
            cause:
                "the address names no device on this host: a typo, another host's domain, or the device disappeared (a VF whose PF was reset).",
            fix: "check the address against hostdev list on this host",
            detail: .none),
        KnownFailure(
            id: "locked-memory",
            pattern:
                #"VFIO_MAP_DMA.*Cannot allocate memory|vfio_dma_map.*-12|VFIO_MAP_DMA failed: Cannot allocate memory"#,
            cause:
                "QEMU could not pin guest memory for device DMA: the locked-memory limit (RLIMIT_MEMLOCK) is lower than guest RAM plus a margin per device.",
            fix:
                "let the guest lock its RAM plus about 1 GiB per host device: set <memtune><hard_limit> (libvirt derives RLIMIT_MEMLOCK from it) or raise the QEMU user's memlock limit",
            detail: .none),
    ]
}
