/// The passthrough failures `hostdev explain` recognises: QEMU's and libvirt's own wording, the
/// cause in one sentence, and the fix. One entry per message family; the first that matches a line wins.
///
/// Whether a pattern matches a line is decided in one pass over the line (``ExtendedRegex``); the
/// line is searched again for the pattern's first capture only when the explanation reads it
/// (``readsCapture``), and a pattern whose capture is read holds no `.*`, so that search stays
/// linear too.
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
    /// What to do, in words that name no command of hostdev's.
    let fix: String
    /// What hostdev can do about it, given the line's first capture.
    let action: (@Sendable (_ captured: String?) -> FixIt.Action?)?
    /// What host facts explain it further.
    let detail: Detail
    /// Whether the explanation depends on the line's first capture: `{n}` in the cause or the fix,
    /// host details, or an action made from the capture.
    let readsCapture: Bool

    enum Detail: Sendable {
        case none
        case groupMembers
        case groupNode
    }

    /// A failure whose action, if any, is `action`, or is made from the line's first capture by
    /// `captureAction`.
    init(
        id: String, pattern: String, cause: String, fix: String, detail: Detail, action: FixIt.Action? = nil,
        captureAction: (@Sendable (_ captured: String?) -> FixIt.Action?)? = nil
    ) {
        self.id = id
        self.pattern = pattern
        self.cause = cause
        self.fix = fix
        self.detail = detail
        if let captureAction {
            self.action = captureAction
        } else if let action {
            self.action = { @Sendable _ in action }
        } else {
            self.action = nil
        }
        readsCapture = cause.contains("{n}") || fix.contains("{n}") || detail != .none || captureAction != nil
        precondition(!readsCapture || !pattern.contains(".*"), "the capture of \(id) is read: its pattern needs no .*")
        self.regex = ExtendedRegex(pattern, groups: readsCapture)
    }

    /// The first failure that matches `line` (NUL-terminated), with its first capture when it
    /// reads it; `nil` when none does.
    static func first(matching line: [UInt8]) -> (failure: KnownFailure, captured: String?)? {
        guard anyPattern.matches(line), let failure = all.first(where: { $0.regex.matches(line) }) else { return nil }
        guard failure.readsCapture, let groups = failure.regex.firstMatch(in: line), groups.count > 1 else {
            return (failure, nil)
        }
        return (failure, groups[1])
    }

    /// The node-device name of a kernel PCI address (`0000:01:00.0`), or `nil` for anything else.
    static func deviceName(_ captured: String?) -> String? {
        guard let captured else { return nil }
        do {
            return try PCIAddress(sysfsName: captured).nodeDeviceName
        } catch {
            return nil
        }
    }

    /// Every pattern in one alternation, to pass over the lines none matches (nearly all of a log)
    /// in one `regexec`.
    static let anyPattern = ExtendedRegex(all.map { "(\($0.pattern))" }.joined(separator: "|"), groups: false)

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
                "bind every device of the group to vfio-pci and check the node's owner and mode",
            detail: .groupNode, action: .checkHost),
        KnownFailure(
            id: "group-not-viable",
            pattern: #"group ([0-9]+) is not viable"#,
            cause:
                "another device of IOMMU group {n} is still bound to a host driver, so vfio cannot isolate the group.",
            fix:
                "assign every endpoint of the group to the guest, or detach the others from their host drivers; the feature page's alternative, vfio_iommu_type1.allow_unsafe_interrupts=1 on the kernel command line, trades away isolation and may lead to vulnerability or instability",
            detail: .groupMembers, action: .checkHost),
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
                "detach it from its host driver before starting the guest (virNodeDeviceDetachFlags with vfio)",
            detail: .none, captureAction: { captured in deviceName(captured).map { .detach(devices: [$0]) } }),
        KnownFailure(
            id: "in-use-by-driver",
            pattern: #"PCI device ([^[:space:]]+) is in use by driver ([^[:space:]]+)"#,
            cause:
                "the device is already taken: assigned to another running guest (driver QEMU) or held by a host driver.",
            fix:
                "stop or reconfigure the domain that holds it, or pick another device; the host's device list shows owners",
            detail: .none, action: .listHostDevices),
        KnownFailure(
            id: "migration-refused",
            pattern:
                #"cannot migrate a domain with <hostdev|[Cc]annot migrate domain.*VFIO device doesn't support migration"#,
            cause: "the domain holds a host device, and a host device cannot move with a guest: migration is refused.",
            fix:
                "do not migrate guests with host devices (the transform marks them non-migratable); hot-unplug the device first if the guest must move",
            detail: .none),
        KnownFailure(
            id: "vfio-unsupported",
            pattern:
                #"VFIO device assignment is currently not supported on this system|host doesn't support VFIO PCI passthrough|host doesn't support passthrough of host PCI devices"#,
            cause: "vfio is not usable on this host: the IOMMU is off or the vfio modules are not loaded.",
            fix:
                "enable VT-d/AMD-Vi in the firmware, add intel_iommu=on or amd_iommu=on to the kernel command line, reboot, and modprobe vfio-pci, checking each step on the host",
            detail: .none, action: .checkHost),
        KnownFailure(
            id: "no-iommu-group",
            pattern: #"vfio ([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]): no iommu_group found"#,
            cause:
                "the kernel put the device in no IOMMU group: the IOMMU is off (no intel_iommu=on or amd_iommu=on on the kernel command line, or VT-d/AMD-Vi disabled in the firmware), so vfio cannot assign it.",
            fix:
                "enable VT-d/AMD-Vi in the firmware and the IOMMU on the kernel command line, reboot, and check that the device has an IOMMU group",
            detail: .none, action: .checkHost),
        KnownFailure(
            id: "legacy-passthrough",
            pattern: #"host doesn't support legacy PCI passthrough"#,
            cause:
                "the hostdev asks for the legacy KVM device assignment (<driver name='kvm'/>), which current kernels and QEMU no longer have.",
            fix:
                "use vfio: write <driver name='vfio'/> in the <hostdev> or leave the driver out (the transform writes vfio)",
            detail: .none),
        KnownFailure(
            id: "guest-address-in-use",
            pattern: #"Attempted double use of PCI Address ([0-9a-fA-F:.]+)"#,
            cause:
                "two devices of the domain ask for the same guest PCI address; libvirt refuses the second.",
            fix:
                "give each device its own guest <address> or drop the address from the request and let libvirt pick one (lint reports it as guest-address-collision)",
            detail: .none),
        KnownFailure(
            id: "alias-not-unique",
            pattern: #"non unique alias detected: ([^[:space:]]+)"#,
            cause: "two devices of the domain carry the same <alias name=…>; aliases must be unique in a domain.",
            fix: "give every device its own alias (ua- followed by a unique name) or leave the alias out",
            detail: .none),
        KnownFailure(
            id: "boot-order-repeated",
            pattern: #"boot order '?([0-9]+)'? used for more than one device"#,
            cause: "two devices of the domain ask for boot order {n}; each boot order must be used once.",
            fix: "give every bootable device its own bootOrder in the vmCreate request (or its own <boot order=…>)",
            detail: .none),
        KnownFailure(
            id: "hostdev-already-present",
            pattern: #"Hostdev already exists in the domain configuration"#,
            cause:
                "the device being attached to the persistent configuration is already a <hostdev> of the domain.",
            fix:
                "do not attach it again; the transform keeps a device already present with the same settings and refuses one with other settings",
            detail: .none),
        KnownFailure(
            id: "mdev-missing",
            pattern:
                #"mediated device '?([0-9a-fA-F-]{36})'? not found|mdev [^ ]+ not found|vgpu: No mdev found|/sys/bus/mdev/devices/([0-9a-fA-F-]{36}).*([Nn]o such|not found)"#,
            cause:
                "the domain names a mediated device (vGPU) whose instance does not exist on this host: it was never created here, or it was removed when its parent was reset or the host rebooted.",
            fix:
                "create the instance before starting the guest, with the domain's UUID and type, on a parent with an available instance of its type",
            detail: .none, action: .createMediatedDevice),
        KnownFailure(
            id: "mdev-create-failed",
            pattern:
                #"[Ff]ailed to create mdev|vgpu: No device with type ([^ ]+) is available|Unable to create mediated device"#,
            cause:
                "no parent could create an instance of the mediated-device type: every parent is full, already hosts instances of another type (NVIDIA GPUs host one type at a time), or the vendor driver refused it.",
            fix:
                "check what is free (available_instances per parent and type), remove unused instances, or pick another type or placement",
            detail: .none, action: .listMediatedDeviceTypes),
        KnownFailure(
            id: "vf-mac-vlan",
            pattern: #"Cannot set interface MAC(/vlanid)? to [^ ]+ for ifname ([^ ]+)( ifindex -?[0-9]+)? vf ([0-9]+)"#,
            cause:
                "the physical function's driver refused to program the VF's MAC address or VLAN: the VF is still being reset, its PF is down or the PF's driver does not allow it (a trusted or spoof-checked VF, a VLAN the PF does not support).",
            fix:
                "bring the PF's interface up (ip link set PF up), retry once the VF has finished resetting, and check the PF's VF settings (ip link show PF); the VF must be a VF of an SR-IOV PF, never a PF or a plain NIC",
            detail: .none),
        KnownFailure(
            id: "no-such-device",
            pattern: #"[Nn]o such (host )?device|Device .* not found: could not access /sys/bus/pci/devices"#,
            cause:
                "the address names no device on this host: a typo, another host's domain, or the device disappeared (a VF whose PF was reset).",
            fix: "check the address against the devices of this host",
            detail: .none, action: .listHostDevices),
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
