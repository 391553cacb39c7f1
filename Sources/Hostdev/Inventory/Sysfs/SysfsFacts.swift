/// Host facts from a sysfs root: IOMMU, vfio, accounts, and what the host itself uses.
enum SysfsFacts {
    static func read(tree: SysfsTree, devices: [HostDevice]) throws(InventoryError) -> HostFacts {
        var facts = HostFacts()
        facts.sourceRoot = tree.root.isEmpty ? "/" : tree.root
        facts.kernelCommandLine = try tree.text("proc/cmdline")
        facts.registeredIOMMUs = try tree.list("sys/class/iommu")
        facts.vfioContainerPresent = tree.exists("dev/vfio/vfio")
        facts.vfioPCIDriverPresent = tree.exists("sys/bus/pci/drivers/vfio-pci")
        var nodes: [Int: FileNode] = [:]
        for name in try tree.list("dev/vfio") {
            guard let group = Int(name), let node = tree.node("dev/vfio/" + name) else { continue }
            nodes[group] = node
        }
        facts.vfioGroupNodes = nodes
        facts.vfioIOMMUType1Loaded = tree.exists("sys/module/vfio_iommu_type1")
        if let value = try tree.text("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts") {
            facts.allowUnsafeInterrupts = value == "Y" || value == "1"
        }
        (facts.interruptRemapping, facts.interruptRemappingEvidence) = try interruptRemapping(
            tree: tree, commandLine: facts.kernelCommandLine)
        facts.hypervisor = try hypervisor(tree: tree)
        facts.accounts = try accounts(tree: tree)
        facts.configuredQEMUUser = try qemuUser(tree: tree)
        facts.hostUse = try HostUse.read(tree: tree)
        return facts
    }

    /// On when the kernel routes interrupts through the remapping table (`IR-` in /proc/interrupts),
    /// off when the command line turns it off, unknown otherwise; with what was read.
    private static func interruptRemapping(tree: SysfsTree, commandLine: String?) throws(InventoryError) -> (
        Bool?, String?
    ) {
        let words = commandLine?.split(separator: " ").map(String.init) ?? []
        if words.contains("intremap=off") || words.contains("nointremap") {
            return (false, "the kernel command line turns it off (intremap=off or nointremap)")
        }
        guard let interrupts = try tree.text("proc/interrupts") else { return (nil, nil) }
        if ["IR-PCI-MSI", "IR-IO-APIC", "AMD-IR", "INTEL-IR"].contains(where: { interrupts.contains($0) }) {
            return (true, "/proc/interrupts shows IR- (remapped) interrupts")
        }
        return (nil, "no IR- entries in /proc/interrupts")
    }

    /// The DMI vendors and products of hypervisors, as systemd-detect-virt knows them.
    static let hypervisorVendors = [
        "QEMU", "KVM", "VMware", "innotek GmbH", "VirtualBox", "Xen", "Microsoft Corporation", "Amazon EC2",
        "Google", "Parallels", "Bochs", "BHYVE", "OpenStack", "Firecracker",
    ]

    /// Whether the root is a virtual machine: the CPU's `hypervisor` flag, or a hypervisor's DMI names.
    private static func hypervisor(tree: SysfsTree) throws(InventoryError) -> String? {
        let cpuinfo = try tree.text("proc/cpuinfo") ?? ""
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            if line.split(separator: " ").contains("hypervisor") {
                return "/proc/cpuinfo: the CPU has the hypervisor flag"
            }
        }
        let vendor = try tree.text("sys/class/dmi/id/sys_vendor") ?? ""
        let product = try tree.text("sys/class/dmi/id/product_name") ?? ""
        for name in hypervisorVendors where vendor.hasPrefix(name) || product.hasPrefix(name) {
            if name == "Microsoft Corporation" && !product.hasPrefix("Virtual Machine") { continue }
            return "DMI: \(vendor) \(product)"
        }
        return nil
    }

    /// `user = "…"` in `etc/libvirt/qemu.conf`, the last one set (as libvirt reads it).
    static func qemuUser(tree: SysfsTree) throws(InventoryError) -> String? {
        var user: String?
        for line in (try tree.text("etc/libvirt/qemu.conf") ?? "").split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingSpaces == "user" else { continue }
            let value = parts[1].trimmingSpaces.dropFirst()
            guard parts[1].trimmingSpaces.hasPrefix("\""), let end = value.firstIndex(of: "\"") else { continue }
            user = String(value[..<end])
        }
        return user
    }

    private static func accounts(tree: SysfsTree) throws(InventoryError) -> Accounts? {
        guard let passwd = try tree.text("etc/passwd") else { return nil }
        var users: [String: (uid: UInt32, gid: UInt32)] = [:]
        for line in passwd.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, let uid = UInt32(fields[2]), let gid = UInt32(fields[3]) else { continue }
            users[String(fields[0])] = (uid, gid)
        }
        var groups: [UInt32: (name: String, members: [String])] = [:]
        for line in (try tree.text("etc/group") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, let gid = UInt32(fields[2]) else { continue }
            groups[gid] = (String(fields[0]), fields[3].split(separator: ",").map(String.init))
        }
        return Accounts(users: users, groups: groups)
    }
}

/// What the host itself uses, by PCI device: block devices that back a mounted filesystem or swap,
/// and network interfaces that are up. Detaching such a device takes it from the host.
enum HostUse {
    static func read(tree: SysfsTree) throws(InventoryError) -> [PCIAddress: [String]] {
        var uses: [PCIAddress: [String]] = [:]
        func record(_ address: PCIAddress?, _ use: String) {
            guard let address else { return }
            if !(uses[address] ?? []).contains(use) { uses[address, default: []].append(use) }
        }
        for line in (try tree.text("proc/mounts") ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, fields[0].hasPrefix("/dev/") else { continue }
            for address in try pciAddresses(ofBlock: String(fields[0]), tree: tree) {
                record(address, "\(fields[0]) mounted on \(fields[1])")
            }
        }
        for line in (try tree.text("proc/swaps") ?? "").split(separator: "\n").dropFirst() {
            guard let device = line.split(separator: " ").first, device.hasPrefix("/dev/") else { continue }
            for address in try pciAddresses(ofBlock: String(device), tree: tree) {
                record(address, "swap on \(device)")
            }
        }
        for interface in try tree.list("sys/class/net") {
            guard try tree.text("sys/class/net/\(interface)/operstate") == "up",
                try tree.presence("sys/class/net/\(interface)/device")
            else { continue }
            record(
                try pciAddress(in: tree.resolve("sys/class/net/\(interface)/device")),
                "network interface \(interface) is up")
        }
        return uses
    }

    /// The PCI devices behind a block device node (`/dev/nvme0n1p2`, `/dev/mapper/vg-root`), through
    /// partitions and device-mapper slaves.
    private static func pciAddresses(ofBlock node: String, tree: SysfsTree, depth: Int = 0) throws(InventoryError)
        -> [PCIAddress]
    {
        guard depth < 8 else { return [] }
        var name = String(node.split(separator: "/").last ?? "")
        let relative = String(node.dropFirst())  // dev/...
        if try tree.readLink(relative) != nil {
            name = String(try tree.resolve(relative).split(separator: "/").last ?? "")
        }
        guard !name.isEmpty, !name.contains(".."), try tree.presence("sys/class/block/" + name) else { return [] }
        let slaves = try tree.list("sys/class/block/\(name)/slaves")
        if !slaves.isEmpty {
            var result: [PCIAddress] = []
            for slave in slaves { result += try pciAddresses(ofBlock: "/dev/" + slave, tree: tree, depth: depth + 1) }
            return result
        }
        return [try pciAddress(in: tree.resolve("sys/class/block/" + name))].compactMap { $0 }
    }

    /// The last PCI address among a real path's components: the device a class entry hangs off.
    static func pciAddress(in path: String) -> PCIAddress? {
        path.split(separator: "/").reversed().lazy.compactMap { try? PCIAddress(sysfsName: String($0)) }.first
    }
}
