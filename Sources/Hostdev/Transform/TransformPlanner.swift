import LibXML

/// Resolves requested devices against the host and checks everything libvirt, QEMU and the kernel
/// would otherwise refuse later. Findings are collected, never thrown.
struct TransformPlanner {
    let domain: XMLNode
    let request: VMCreateRequest
    let inventory: HostInventory?
    let options: TransformOptions

    private(set) var planned: [PlannedDevice] = []
    private(set) var kept: [DeviceName] = []
    private(set) var placeholders: [DeviceName] = []
    private(set) var groups: [TransformReport.Group] = []
    private(set) var diagnostics: [Diagnostic] = []

    init(domain: XMLNode, request: VMCreateRequest, inventory: HostInventory?, options: TransformOptions) {
        self.domain = domain
        self.request = request
        self.inventory = inventory
        self.options = options
    }

    private var domainName: String? { domain.firstElement(named: "name")?.textContent.trimmed }
    private var domainUUID: String? { domain.firstElement(named: "uuid")?.textContent.trimmed.lowercased() }

    /// Whether a host domain is the one being transformed.
    private func isThisDomain(_ other: HostDomain) -> Bool {
        (domainUUID != nil && other.uuid?.lowercased() == domainUUID) || other.name == domainName
    }

    private mutating func refuse(_ rule: String, _ message: String, node: XMLNode? = nil, fixIt: String? = nil) {
        if let node {
            diagnostics.append(
                Diagnostic(
                    .error, rule: rule, message, file: node.document.source, line: node.line, column: node.column,
                    fixIt: fixIt))
        } else {
            diagnostics.append(Diagnostic(.error, rule: rule, message, file: request.source, fixIt: fixIt))
        }
    }

    mutating func plan() {
        let existing = HostdevElement.all(in: domain)
        if inventory == nil {
            if !existing.isEmpty {
                diagnostics.append(
                    Diagnostic(
                        .warning, rule: "host-required",
                        "IOMMU group checks of the domain's \(existing.count) host device(s) skipped: no host source",
                        file: domain.document.source,
                        fixIt: "pass --connect URI, --sysfs ROOT or --snapshot FILE to check them"))
            }
            placeholders = request.hostDevices.filter(\.isPlaceholder).map(\.name)
            return
        }
        resolveRequests(existing: existing)
        checkGroups(existing: existing)
        checkBootOrder()
    }

    private mutating func resolveRequests(existing: [HostdevElement]) {
        guard let inventory else { return }
        var seen: [DeviceName: Int] = [:]
        for request in self.request.hostDevices {
            let name = request.name
            let place = "devices[\(request.index)]"
            if let first = seen[name] {
                refuse("duplicate-request", "\(place): \(name) is requested twice (also devices[\(first)])")
                continue
            }
            seen[name] = request.index
            guard let device = inventory.device(named: name) else {
                refuse(
                    "device-missing", "\(place): \(name) is not a host device on \(inventory.origin)",
                    fixIt: "hostdev list \(hostOptionHint) shows the host's devices")
                continue
            }
            if let reason = inventory.assignmentProblem(of: device) {
                refuse("not-assignable", "\(place): \(name) cannot be assigned: \(reason)")
                continue
            }
            guard let source = device.hostdevSource else { continue }  // assignmentProblem refused it
            let owners = inventory.owners(of: device).filter { !isThisDomain($0) }
            if let owner = owners.first {
                refuse(
                    "owned-by-other-domain",
                    "\(place): \(name) is assigned to domain '\(owner.name)' (\(owner.isActive ? "running" : "shut off"))",
                    fixIt: "remove it from '\(owner.name)' first, or pick another device")
                continue
            }
            let present = existing.first { $0.source == source }
            if request.isPlaceholder {
                if let present {
                    refuse(
                        "placeholder-assigned",
                        "\(place): \(name) is a placeholder but already a hostdev of this domain",
                        node: present.node)
                } else {
                    placeholders.append(name)
                }
                continue
            }
            if let present {
                if let difference = difference(between: request, and: present) {
                    refuse(
                        "conflicting-hostdev",
                        "\(place): \(name) is already in the domain with different settings (\(difference))",
                        node: present.node)
                } else {
                    kept.append(name)
                }
                continue
            }
            planned.append(PlannedDevice(request: request, device: device, source: source))
        }
    }

    private var hostOptionHint: String {
        guard let origin = inventory?.origin else { return "" }
        if origin.hasPrefix("snapshot ") { return "--snapshot " + origin.dropFirst("snapshot ".count) }
        if origin.hasPrefix("sysfs ") { return "--sysfs " + origin.dropFirst("sysfs ".count) }
        return "--connect " + origin
    }

    /// What differs between a request and the `<hostdev>` already there, or `nil`.
    private func difference(between request: HostDeviceRequest, and present: HostdevElement) -> String? {
        var differences: [String] = []
        let presentOrder = present.node.firstElement(named: "boot")?.attribute("order").flatMap { Int($0) }
        if let order = request.bootOrder, order != presentOrder {
            differences.append("boot order \(presentOrder.map(String.init) ?? "none"), requested \(order)")
        }
        if let guest = request.guestAddress {
            let node = present.guestAddressNode
            let current = try? PCIAddress(
                domain: node?.attribute("domain"), bus: node?.attribute("bus"), slot: node?.attribute("slot"),
                function: node?.attribute("function"))
            if current != guest {
                differences.append("guest address \(current?.description ?? "none"), requested \(guest)")
            }
        }
        if let alias = request.alias {
            let current = present.node.firstElement(named: "alias")?.attribute("name")
            if current != alias { differences.append("alias \(current ?? "none"), requested \(alias)") }
        }
        if present.managed == "yes" { differences.append("managed='yes', the transform writes managed='no'") }
        return differences.isEmpty ? nil : differences.joined(separator: "; ")
    }

    private mutating func checkGroups(existing: [HostdevElement]) {
        guard let inventory else { return }
        var assigned = Set(planned.compactMap { $0.source.pciAddress })
        for element in existing {
            guard let address = element.source?.pciAddress else { continue }
            if inventory.device(at: address) == nil {
                diagnostics.append(
                    Diagnostic(
                        .warning, rule: "device-missing",
                        "hostdev \(address.nodeDeviceName) of this domain is not on \(inventory.origin)",
                        file: element.node.document.source, line: element.node.line, column: element.node.column))
            }
            assigned.insert(address)
        }
        let placeholderAddresses = Set(
            (placeholders + MigrationMarker.placeholders(in: domain)).compactMap(\.pciAddress))
        for gap in IOMMUGroupCheck.gaps(assigned: assigned, placeholders: placeholderAddresses, inventory: inventory) {
            guard options.includeGroup else {
                refuse(
                    IOMMUGroupCheck.rule, IOMMUGroupCheck.message(for: gap, inventory: inventory),
                    fixIt: IOMMUGroupCheck.fixIt(for: gap))
                continue
            }
            for address in gap.missing {
                include(address, group: gap.group, inventory: inventory)
                assigned.insert(address)
            }
        }
        // A group cannot be split across guests: no member may belong to another domain.
        let touched = Set(assigned.compactMap { inventory.device(at: $0)?.pci?.iommuGroup })
        for group in touched.sorted() {
            let members = inventory.groupMembers(group)
            for member in members {
                guard let device = inventory.device(at: member) else { continue }
                for owner in inventory.owners(of: device) where !isThisDomain(owner) {
                    refuse(
                        "iommu-group-split",
                        "IOMMU group \(group) would be split: \(member.nodeDeviceName) is assigned to domain '\(owner.name)'",
                        fixIt: "a group goes to one guest; remove \(member.nodeDeviceName) from '\(owner.name)' first")
                }
            }
            groups.append(
                TransformReport.Group(
                    number: group, members: members.map(\.nodeDeviceName),
                    assigned: members.filter(assigned.contains).map(\.nodeDeviceName),
                    placeholders: members.filter(placeholderAddresses.contains).map(\.nodeDeviceName)))
        }
    }

    /// `--include-group`: adds a group member, unless the host itself uses it or another domain owns it.
    private mutating func include(_ address: PCIAddress, group: Int, inventory: HostInventory) {
        guard let device = inventory.device(at: address) else {
            refuse(
                "device-missing",
                "IOMMU group \(group) lists \(address.nodeDeviceName), which is not on \(inventory.origin)")
            return
        }
        if let uses = inventory.facts.hostUse?[address], !uses.isEmpty {
            refuse(
                "host-device-in-use",
                "cannot add \(device.name) to complete IOMMU group \(group): the host uses it (\(uses.joined(separator: ", ")))",
                fixIt: "the group cannot be assigned while the host needs \(device.name); move that use elsewhere first"
            )
            return
        }
        if let owner = inventory.owners(of: device).first(where: { !isThisDomain($0) }) {
            refuse(
                "iommu-group-split",
                "cannot add \(device.name) to complete IOMMU group \(group): domain '\(owner.name)' has it")
            return
        }
        planned.append(
            PlannedDevice(
                request: HostDeviceRequest(name: .pci(address), index: -1), device: device, source: .pci(address),
                addedForGroup: group))
        diagnostics.append(
            Diagnostic(
                .note, rule: "include-group",
                "added \(device.name)\(device.driver.map { " (driver \($0))" } ?? "") to complete IOMMU group \(group)",
                file: request.source))
    }

    private mutating func checkBootOrder() {
        guard planned.contains(where: { $0.request.bootOrder != nil }) else { return }
        if let boot = domain.firstElement(named: "os")?.firstElement(named: "boot") {
            refuse(
                "boot-order-conflict",
                "a hostdev bootOrder cannot be combined with <boot dev='\(boot.attribute("dev") ?? "")'> in <os>; libvirt refuses the domain",
                node: boot, fixIt: "drop the <os><boot> elements and give every bootable device a boot order")
        }
    }
}

extension HostdevSource {
    /// The PCI address, for a PCI source.
    var pciAddress: PCIAddress? {
        if case .pci(let address) = self { return address }
        return nil
    }
}
