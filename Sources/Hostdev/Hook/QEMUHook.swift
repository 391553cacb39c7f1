import LibXML

#if canImport(Glibc)
    import Glibc
#endif

/// libvirt's QEMU hook (`/etc/libvirt/hooks/qemu.d/hostdev NAME OPERATION SUB-OPERATION EXTRA`,
/// the domain XML on stdin) for the domains hostdev marked non-migratable:
///
/// - `prepare begin`: the rule catalogue against this host (``RuleCatalogue``'s hook rules over the
///   domain, its detach rules over each device: present and assignable, IOMMU groups complete, no
///   device another running domain holds, none the host itself uses), and vfio-pci loaded; then each `managed='no'` PCI hostdev, hostdev interface and
///   group placeholder is bound to vfio-pci as libvirt binds `managed='yes'` devices. Any refusal
///   stops the start before anything is touched; a failed bind gives back what was bound.
/// - `release end`: the devices the hook bound go back to the host (reset where the kernel offers
///   it), never one another running domain holds.
/// - `migrate begin`: refused (the domain is not migratable).
///
/// Domains without the marker, `managed='yes'` devices (libvirt binds those itself) and every other
/// operation are left alone. The hook never calls libvirt (the daemon waits for it): running
/// domains come from libvirt's status files under `/run/libvirt/qemu`.
public struct QEMUHook: Sendable {
    /// The root of the host's files (`/`; a fake tree in tests): `sys/`, `proc/`, `run/`.
    public var root: String
    /// How attributes are written; sysfs files under `root` unless replaced.
    public var writer: any SysfsAttributeWriter

    /// A hook for the host under `root`.
    public init(root: String = "/", writer: (any SysfsAttributeWriter)? = nil) {
        self.root = root
        self.writer = writer ?? SysfsAttributeFiles(root: root)
    }

    /// What a hook run did: its exit status, its messages (for stderr) and the devices it changed.
    public struct Outcome: Sendable, Equatable {
        /// 0 done or nothing to do, 1 refused or failed (libvirt stops the start), 2 bad input,
        /// 3 the host could not be read.
        public var exitCode: Int32
        /// One line each, for stderr.
        public var messages: [String]
        /// The devices bound to vfio-pci (prepare) or given back (release), in order.
        public var changed: [String]

        /// Creates an outcome.
        public init(exitCode: Int32, messages: [String], changed: [String]) {
            self.exitCode = exitCode
            self.messages = messages
            self.changed = changed
        }
    }

    /// Runs the hook for one invocation.
    /// - Parameters:
    ///   - domain: the domain's name (libvirt's first argument).
    ///   - operation, subOperation: `prepare`/`begin`, `release`/`end`, …
    ///   - domainXML: the domain XML libvirt gives on stdin.
    public func run(domain: String, operation: String, subOperation: String, domainXML: [UInt8]) -> Outcome {
        guard Self.handles(operation: operation, subOperation: subOperation) else {
            return Outcome(exitCode: 0, messages: [], changed: [])
        }
        // A domain whose bytes do not hold the marker element's name is left alone unread, whatever
        // it holds (one over the parse bounds must still start).
        guard Self.mayBeMarked(domainXML) else { return Outcome(exitCode: 0, messages: [], changed: []) }
        let document: XMLDocument
        do throws(XMLError) {
            document = try XMLDocument(parsing: domainXML, source: "domain '\(domain)'")
        } catch {
            return Outcome(exitCode: 2, messages: [error.description], changed: [])
        }
        let root = document.root
        guard root.name == "domain", MigrationMarker.isMarkedNonMigratable(root) else {
            return Outcome(exitCode: 0, messages: [], changed: [])
        }
        guard HookRecord.isUsable(domain) else {
            return Outcome(exitCode: 2, messages: ["domain name '\(domain)' cannot name a hook record"], changed: [])
        }
        // Held until this run returns (migrate changes nothing: it needs none).
        var lock: HookLock?
        if operation != "migrate" {
            do throws(HookFailure) {
                lock = try HookLock(root: self.root)
            } catch {
                return Outcome(exitCode: 1, messages: ["domain '\(domain)': \(error)"], changed: [])
            }
        }
        defer { withExtendedLifetime(lock) {} }
        switch operation {
        case "prepare": return prepare(domain: domain, root: root, xml: domainXML)
        case "release": return release(domain: domain)
        default:
            return Outcome(
                exitCode: 1, messages: ["domain '\(domain)' is marked non-migratable: it has host devices"],
                changed: [])
        }
    }

    /// Whether the domain's bytes hold the marker element's local name, which XML lets no reference
    /// stand for (a namespace URI may be written with character references); a domain without it
    /// is not marked.
    static func mayBeMarked(_ xml: [UInt8]) -> Bool {
        let needle = Array(MigrationMarker.elementName.utf8)
        guard xml.count >= needle.count, let first = needle.first else { return false }
        return xml.withUnsafeBytes { haystack in
            needle.withUnsafeBytes { pattern in
                guard let base = haystack.baseAddress, let wanted = pattern.baseAddress else { return false }
                var offset = 0
                // Each candidate found with memchr, then compared whole.
                while offset + pattern.count <= haystack.count,
                    let hit = memchr(base + offset, Int32(first), haystack.count - pattern.count + 1 - offset)
                {
                    let start = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + start, wanted, pattern.count) == 0 { return true }
                    offset = start + 1
                }
                return false
            }
        }
    }

    /// Adds a device (and the driver it had) to another domain's record, unless it is there.
    private static func handOver(
        _ device: (address: PCIAddress, driver: String?), to holder: String, root: String
    ) throws(HookFailure) {
        guard HookRecord.isUsable(holder) else {
            throw HookFailure("domain name '\(holder)' cannot name a hook record")
        }
        var record = try HookRecord.read(root: root, domain: holder) ?? HookRecord(devices: [])
        guard !record.devices.contains(where: { $0.address == device.address }) else { return }
        record.devices.append(device)
        try record.write(root: root, domain: holder)
    }

    /// Whether the hook acts on an invocation (`prepare begin`, `release end`, `migrate begin`); it
    /// leaves every other alone, without reading the domain.
    public static func handles(operation: String, subOperation: String) -> Bool {
        switch (operation, subOperation) {
        case ("prepare", "begin"), ("release", "end"), ("migrate", "begin"): true
        default: false
        }
    }

    /// The elements the hook binds: PCI subsystem hostdevs and hostdev interfaces libvirt does not
    /// manage (`managed` other than `yes`), whether their address reads or not.
    private static func boundByTheHook(_ root: XMLNode) -> [HostdevElement] {
        HostdevElement.all(in: root).filter {
            $0.managed != "yes" && ($0.mode == nil || $0.mode == "subsystem") && $0.type == "pci"
        }
    }

    /// The PCI devices the hook detaches: `managed='no'` hostdevs and interfaces, and the readable
    /// placeholders (the placeholder rule refuses the others).
    static func devices(of root: XMLNode) -> [PCIAddress] {
        var addresses: [PCIAddress] = []
        for element in boundByTheHook(root) {
            if case .pci(let address) = element.source, !addresses.contains(address) { addresses.append(address) }
        }
        for address in MigrationMarker.placeholderAddresses(in: root) where !addresses.contains(address) {
            addresses.append(address)
        }
        return addresses
    }

    private func prepare(domain: String, root: XMLNode, xml: [UInt8]) -> Outcome {
        func refused(_ reasons: [String]) -> Outcome {
            Outcome(exitCode: 1, messages: reasons.map { "domain '\(domain)' refused: \($0)" }, changed: [])
        }
        let addresses = Self.devices(of: root)
        // A managed='no' PCI hostdev whose address cannot be read is not in `addresses`: the rules
        // below refuse it, so they run whenever the domain has one.
        guard !Self.boundByTheHook(root).isEmpty || !MigrationMarker.placeholders(in: root).isEmpty else {
            return Outcome(exitCode: 0, messages: [], changed: [])
        }
        let inventory: HostInventory
        do {
            let host = try SysfsSource.load(root: self.root)
            let running = try RunningDomains.read(root: self.root, excluding: domain)
            inventory = HostInventory(devices: host.devices, domains: running, facts: host.facts, origin: host.origin)
        } catch let error as InventoryError {
            return Outcome(exitCode: 3, messages: ["cannot read the host: \(error)"], changed: [])
        } catch {
            return refused(["\(error)"])
        }
        // The rule catalogue: its hook rules over the domain, its detach rules over every device
        // the hook detaches (placeholders included); errors refuse.
        var findings: [Diagnostic]
        do throws(XMLError) {
            findings = try RuleCatalogue.evaluate(domainXML: xml, source: domain, inventory: inventory, command: .hook)
        } catch {
            return Outcome(exitCode: 2, messages: [error.description], changed: [])
        }
        for address in addresses {
            if let device = inventory.device(at: address) {
                // What the domain's rules already said about this device is not said twice.
                findings += RuleCatalogue.evaluate(device: device, inventory: inventory, command: .detach).filter {
                    finding in !findings.contains { $0.rule == finding.rule && $0.message.contains(device.name) }
                }
            } else if !findings.contains(where: { $0.severity == .error && $0.message.contains(address.nodeDeviceName) }
            ) {
                findings.append(
                    Diagnostic(.error, rule: "device-missing", "\(address.nodeDeviceName) is not on this host"))
            }
        }
        var reasons: [String] = []
        for finding in findings where finding.severity == .error {
            let reason = "\(finding.message) [\(finding.rule)]"
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        let binding = StubBinding(root: self.root, writer: writer)
        if !binding.stubLoaded {
            reasons.append("the vfio-pci driver is not loaded (modprobe vfio-pci)")
        }
        guard reasons.isEmpty else { return refused(reasons) }
        return bind(addresses, domain: domain, binding: binding)
    }

    /// Binds every device, recording each before it is touched; on a failure gives back what was
    /// bound and restores the record.
    private func bind(_ addresses: [PCIAddress], domain: String, binding: StubBinding) -> Outcome {
        var bound: [PCIAddress] = []
        var previous: HookRecord?
        do throws(HookFailure) {
            previous = try HookRecord.read(root: root, domain: domain)
            var record = previous ?? HookRecord(devices: [])
            for address in addresses {
                let driver = try binding.driver(of: address)
                if driver == StubBinding.stub { continue }
                if !record.devices.contains(where: { $0.address == address }) {
                    record.devices.append((address, driver))
                    try record.write(root: root, domain: domain)
                }
                bound.append(address)
                try binding.bind(address)
            }
        } catch {
            var messages = ["domain '\(domain)': \(error)"]
            for address in bound.reversed() {
                do throws(HookFailure) {
                    try binding.giveBack(address)
                } catch {
                    messages.append("domain '\(domain)': giving \(address.nodeDeviceName) back: \(error)")
                }
            }
            // Every device went back: the record is what it was. Otherwise it keeps them for release.
            if messages.count == 1 {
                do throws(HookFailure) {
                    if let previous {
                        try previous.write(root: root, domain: domain)
                    } else {
                        try HookRecord.remove(root: root, domain: domain)
                    }
                } catch {
                    messages.append("domain '\(domain)': \(error)")
                }
            }
            return Outcome(exitCode: 1, messages: messages, changed: [])
        }
        return Outcome(exitCode: 0, messages: [], changed: bound.map(\.nodeDeviceName))
    }

    private func release(domain: String) -> Outcome {
        let record: HookRecord?
        let running: [HostDomain]
        let marked: Set<String>
        do throws(HookFailure) {
            record = try HookRecord.read(root: root, domain: domain)
            (running, marked) = try RunningDomains.readMarking(root: root, excluding: domain)
        } catch {
            return Outcome(exitCode: 1, messages: ["domain '\(domain)': \(error)"], changed: [])
        }
        guard let record else { return Outcome(exitCode: 0, messages: [], changed: []) }
        let binding = StubBinding(root: root, writer: writer)
        var messages: [String] = []
        var changed: [String] = []
        // A device that could not be given back stays in the record, for the next release to retry.
        var kept = HookRecord(devices: [])
        for device in record.devices {
            let address = device.address
            if let holder = running.first(where: { $0.hostdevSources.contains(.pci(address)) }) {
                // Left bound for the holder. A marked holder's release runs this hook: the device is
                // handed to its record with the driver it had (its prepare found it bound and recorded
                // nothing). Another holder's does not: the device stays in this record.
                guard marked.contains(holder.name) else {
                    messages.append(
                        "domain '\(domain)': \(address.nodeDeviceName) left on vfio-pci: running domain '\(holder.name)' "
                            + "holds it (it bears no marker: its release does not give it back)")
                    kept.devices.append(device)
                    continue
                }
                do throws(HookFailure) {
                    try Self.handOver(device, to: holder.name, root: root)
                    messages.append(
                        "domain '\(domain)': \(address.nodeDeviceName) left on vfio-pci: running domain '\(holder.name)' "
                            + "holds it (its release gives it back)")
                } catch {
                    messages.append("domain '\(domain)': \(address.nodeDeviceName) left on vfio-pci: \(error)")
                    kept.devices.append(device)
                }
                continue
            }
            do throws(HookFailure) {
                try binding.giveBack(address)
                changed.append(address.nodeDeviceName)
            } catch {
                messages.append("domain '\(domain)': \(error)")
                kept.devices.append(device)
            }
        }
        do throws(HookFailure) {
            if kept.devices.isEmpty {
                try HookRecord.remove(root: root, domain: domain)
            } else {
                try kept.write(root: root, domain: domain)
                messages.append(
                    "domain '\(domain)': \(kept.devices.map(\.address.nodeDeviceName).joined(separator: ", ")) "
                        + "kept in \(HookRecord.path(root: root, domain: domain)) for the next release")
            }
        } catch {
            messages.append("domain '\(domain)': \(error)")
        }
        return Outcome(exitCode: messages.isEmpty ? 0 : 1, messages: messages, changed: changed)
    }
}
