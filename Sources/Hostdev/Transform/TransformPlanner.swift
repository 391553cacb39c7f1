import LibXML

/// Resolves requested devices against the host and decides what to add: nothing here judges a
/// device. The rules of ``RuleCatalogue`` check the result, with every added element traced back to
/// the request entry it came from.
struct TransformPlanner {
    let domain: XMLNode
    let request: VMCreateRequest
    let inventory: HostInventory?
    let options: TransformOptions

    private(set) var planned: [PlannedDevice] = []
    private(set) var kept: [DeviceName] = []
    private(set) var placeholders: [DeviceName] = []
    private(set) var groups: [TransformReport.Group] = []
    private(set) var notes: [Diagnostic] = []

    init(domain: XMLNode, request: VMCreateRequest, inventory: HostInventory?, options: TransformOptions) {
        self.domain = domain
        self.request = request
        self.inventory = inventory
        self.options = options
    }

    mutating func plan() {
        let existing = HostdevElement.all(in: domain)
        guard let inventory else {
            if !existing.isEmpty {
                notes.append(
                    Diagnostic(
                        .warning, rule: "host-required",
                        "IOMMU group checks of the domain's \(existing.count) host device(s) skipped: no host source",
                        file: domain.document.source,
                        fixIt: FixIt("name the host to check them against", action: .chooseHostSource)))
            }
            placeholders = request.hostDevices.filter(\.isPlaceholder).map(\.name)
            return
        }
        resolveRequests(existing: existing, inventory: inventory)
        if options.includeGroup { includeGroups(existing: existing, inventory: inventory) }
        describeGroups(existing: existing, inventory: inventory)
    }

    /// Plans each request the host can resolve; what it cannot, the rules report.
    private mutating func resolveRequests(existing: [HostdevElement], inventory: HostInventory) {
        var resolved: Set<String> = []
        for entry in request.hostDevices {
            guard let device = inventory.device(named: entry.name), let source = device.hostdevSource,
                resolved.insert(device.name).inserted
            else { continue }
            let present = existing.contains { $0.source == source && $0.node.name == "hostdev" }
            if entry.isPlaceholder {
                if !present { placeholders.append(entry.name) }
            } else if present {
                kept.append(entry.name)
            } else {
                planned.append(PlannedDevice(request: entry, device: device, source: source))
            }
        }
    }

    /// Adds the missing endpoints of every incomplete group (the rules then check each one like a
    /// requested device: the host's own use, another domain's ownership).
    private mutating func includeGroups(existing: [HostdevElement], inventory: HostInventory) {
        let assigned = Set(planned.compactMap { $0.source.pciAddress } + existing.compactMap { $0.source?.pciAddress })
        let placeholderAddresses = Set(
            placeholders.compactMap(\.pciAddress) + MigrationMarker.placeholderAddresses(in: domain))
        for gap in IOMMUGroupCheck.gaps(assigned: assigned, placeholders: placeholderAddresses, inventory: inventory) {
            for address in gap.missing {
                // A member the host does not list stays missing, and the group rule refuses it.
                guard let device = inventory.device(at: address) else { continue }
                planned.append(
                    PlannedDevice(
                        request: HostDeviceRequest(name: .pci(address), index: -1), device: device,
                        source: .pci(address), addedForGroup: gap.group))
                notes.append(
                    Diagnostic(
                        .note, rule: "include-group",
                        "added \(device.name)\(device.driver.map { " (driver \($0))" } ?? "") to complete IOMMU group \(gap.group)",
                        file: request.source))
            }
        }
    }

    /// The IOMMU groups the domain touches, for the report.
    private mutating func describeGroups(existing: [HostdevElement], inventory: HostInventory) {
        let assigned = Set(planned.compactMap { $0.source.pciAddress } + existing.compactMap { $0.source?.pciAddress })
        let placeholderAddresses = Set(
            placeholders.compactMap(\.pciAddress) + MigrationMarker.placeholderAddresses(in: domain))
        let touched = Set(assigned.compactMap { inventory.device(at: $0)?.pci?.iommuGroup })
        groups = touched.sorted().map { group in
            let members = inventory.groupMembers(group)
            return TransformReport.Group(
                number: group, members: members.map(\.nodeDeviceName),
                assigned: members.filter(assigned.contains).map(\.nodeDeviceName),
                placeholders: members.filter(placeholderAddresses.contains).map(\.nodeDeviceName))
        }
    }

    /// Writes the planned `<hostdev>` elements into the domain; returns each with its origin.
    func emit() -> [(node: XMLNode, origin: CheckedDomain.Origin)] {
        guard !planned.isEmpty else { return [] }
        let devices = domain.firstElement(named: "devices") ?? domain.appendIndentedElement("devices")
        return planned.map { device in
            let node = HostdevEmitter.append(device, to: devices)
            return (node, device.addedForGroup.map { .groupMember(group: $0) } ?? .request(index: device.request.index))
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
