import FoundationEssentials

/// `hostdev doctor`: checks a host for passthrough, device by device, with evidence and fix-its.
public struct Doctor: Sendable {
    /// The host.
    public let inventory: HostInventory
    /// The user QEMU runs as (`qemu`, as VDSM assumes).
    public let qemuUser: String

    /// Creates a doctor for a host.
    public init(inventory: HostInventory, qemuUser: String = "qemu") {
        self.inventory = inventory
        self.qemuUser = qemuUser
    }

    /// Runs every host check, then the device checks for `devices` (or, when empty, for every device a
    /// domain on the host owns).
    public func run(devices names: [DeviceName] = []) -> DoctorReport {
        var checks = hostChecks()
        var devices: [HostDevice] = []
        var unknown: [DeviceName] = []
        for name in names {
            if let device = inventory.device(named: name) { devices.append(device) } else { unknown.append(name) }
        }
        for name in unknown {
            checks.append(DoctorCheck("\(name)", .error, evidence: ["\(name) is not a device of \(inventory.origin)"]))
        }
        if names.isEmpty {
            devices = inventory.devices.filter { !inventory.owners(of: $0).isEmpty }
        }
        for device in devices { checks += deviceChecks(device) }
        return DoctorReport(checks: checks, origin: inventory.origin)
    }

    // MARK: Devices

    /// Drivers that leave a group viable: vfio's own and the legacy stub.
    static let viableDrivers: Set<String> = ["vfio-pci", "pci-stub"]

    /// Every problem of a device: the catalogue's device rules (no IOMMU group, several owners, the
    /// host's own use, ...), then whether its group is viable and its `/dev/vfio` node usable.
    func deviceChecks(_ device: HostDevice) -> [DoctorCheck] {
        var checks = RuleCatalogue.evaluate(device: device, inventory: inventory, command: .doctor).map {
            DoctorCheck($0, device: device.name)
        }
        guard let pci = device.pci else {
            if checks.isEmpty {
                checks.append(
                    DoctorCheck(device.name, .ok, evidence: ["\(device.capability) device: no IOMMU group involved"]))
            }
            return checks
        }
        guard let group = pci.iommuGroup else { return checks }
        checks.append(viabilityCheck(device: device, group: group))
        checks.append(vfioNodeCheck(device: device, group: group))
        return checks
    }

    /// Whether every endpoint of the group is bound to vfio-pci (or pci-stub, or nothing).
    func viabilityCheck(device: HostDevice, group: Int) -> DoctorCheck {
        var evidence: [String] = []
        var breaking: [String] = []
        var usedByHost: [String] = []
        var bound: [String] = []
        for address in inventory.groupMembers(group) {
            let member = inventory.device(at: address)
            let driver = member?.driver
            let bridge = member?.pci?.isBridge ?? false
            evidence.append(
                "\(address.nodeDeviceName): " + (driver.map { "driver \($0)" } ?? "no driver")
                    + (bridge ? " (bridge)" : ""))
            guard let driver, !bridge, !Self.viableDrivers.contains(driver) else { continue }
            bound.append("\(address.nodeDeviceName) (\(driver))")
            if let uses = inventory.facts.hostUse?[address], !uses.isEmpty {
                usedByHost.append("\(address.nodeDeviceName) (\(uses.joined(separator: "; ")))")
            } else {
                breaking.append(address.nodeDeviceName)
            }
        }
        let name = "\(device.name): IOMMU group \(group) viable"
        guard !bound.isEmpty else { return DoctorCheck(name, .ok, evidence: evidence) }
        evidence.append("not bound to vfio-pci: " + bound.joined(separator: ", "))
        var words: [String] = []
        if !usedByHost.isEmpty {
            words.append(
                "the host uses " + usedByHost.joined(separator: ", ")
                    + ": move that use elsewhere first, or the group cannot be assigned")
        }
        if !breaking.isEmpty {
            words.append(
                "bind " + breaking.joined(separator: ", ") + " to vfio-pci (or assign the whole group to the guest)")
        }
        return DoctorCheck(
            name, .error, evidence: evidence,
            fixIt: FixIt(
                words.joined(separator: "; "),
                action: usedByHost.isEmpty ? .detach(devices: breaking) : nil))
    }

    func vfioNodeCheck(device: HostDevice, group: Int) -> DoctorCheck {
        let name = "\(device.name): /dev/vfio/\(group) usable by \(qemuUser)"
        guard let nodes = inventory.facts.vfioGroupNodes else { return .unknown(name, "/dev/vfio/\(group)") }
        guard let node = nodes[group] else {
            return DoctorCheck(
                name, .error, evidence: ["/dev/vfio/\(group) does not exist: the group is not bound to vfio-pci"],
                fixIt: FixIt("bind the group's devices to vfio-pci", action: .detach(devices: [device.name])))
        }
        let described = "/dev/vfio/\(group) is \(owner(node)) mode 0\(String(node.mode & 0o777, radix: 8))"
        guard let accounts = inventory.facts.accounts, let user = accounts.users[qemuUser] else {
            return DoctorCheck(name, .unknown, evidence: [described, "user \(qemuUser) is unknown to this source"])
        }
        let groups = Set([user.gid] + accounts.groups.filter { $0.value.members.contains(qemuUser) }.map(\.key))
        let bits: UInt32 =
            user.uid == 0
            ? 0o6
            : node.uid == user.uid
                ? (node.mode >> 6) & 0o6 : groups.contains(node.gid) ? (node.mode >> 3) & 0o6 : node.mode & 0o6
        if bits == 0o6 {
            return DoctorCheck(name, .ok, evidence: [described])
        }
        return DoctorCheck(
            name, .error, evidence: [described, "\(qemuUser) (uid \(user.uid)) cannot read and write it"],
            fixIt: FixIt(
                "chown \(qemuUser) /dev/vfio/\(group) (libvirt does it when it starts the guest; a udev rule "
                    + "SUBSYSTEM==\"vfio\", OWNER=\"\(qemuUser)\" keeps it so)"))
    }

    private func owner(_ node: FileNode) -> String {
        let user = inventory.facts.accounts?.users.first { $0.value.uid == node.uid }?.key ?? String(node.uid)
        let group = inventory.facts.accounts?.groups[node.gid]?.name ?? String(node.gid)
        return "\(user):\(group)"
    }
}

/// Every check of a doctor run.
public struct DoctorReport: Sendable, Encodable {
    /// The checks, host checks first.
    public var checks: [DoctorCheck]
    /// The host's source.
    public var origin: String

    /// Whether any check is an error (exit 1).
    public var hasErrors: Bool { checks.contains { $0.status == .error } }

    /// Lines for people.
    /// - Parameter render: how a fix-it reads (its words, unless the caller renders its action too).
    public func text(fixIt render: (FixIt) -> String = \.message) -> String {
        var lines: [String] = []
        for check in checks {
            lines.append("[\(check.status.rawValue.uppercased())] " + TerminalText.escaped(check.name))
            lines += check.evidence.map { "    " + TerminalText.escaped($0) }
            if let fixIt = check.fixIt { lines.append("    fix: " + TerminalText.escapedLines(render(fixIt))) }
        }
        let counts = [DoctorCheck.Status.error, .warning, .unknown].map { status in
            "\(checks.filter { $0.status == status }.count) \(status.rawValue)"
        }
        lines.append("\(checks.count) checks on \(TerminalText.escaped(origin)): " + counts.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON.
    public func json() -> String {
        return PrettyJSON.encode(self)
    }
}
