/// The host as one model: devices, IOMMU groups, domains and host facts.
///
/// Built by an ``InventorySource`` from libvirt, a sysfs tree or a snapshot file; every
/// check and listing reads this model, never the source.
public struct HostInventory: Sendable {
    /// Every device, PCI first in address order, then the rest by name.
    public let devices: [HostDevice]
    /// The domains defined on the host, sorted by name.
    public let domains: [HostDomain]
    /// Facts about the host itself.
    public let facts: HostFacts
    /// Where the inventory came from, for messages (`test:///…`, `sysfs /`, `snapshot FILE`).
    public let origin: String

    private let indexByName: [String: Int]
    private let indexByAddress: [PCIAddress: Int]
    /// The indexes of each device's children, in device order.
    private let indexesByParent: [String: [Int]]
    private let groups: [Int: [PCIAddress]]

    /// Builds an inventory and its indexes.
    public init(devices: [HostDevice], domains: [HostDomain], facts: HostFacts = HostFacts(), origin: String) {
        let marked = Self.markingPorts(devices)
        // Sorting positions rather than devices moves integers, not whole devices.
        let sorted = marked.indices.sorted { left, right in
            switch (marked[left].pci?.address, marked[right].pci?.address) {
            case (let l?, let r?): l < r
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): marked[left].name < marked[right].name
            }
        }.map { marked[$0] }
        self.devices = sorted
        self.domains = domains.sorted { $0.name < $1.name }
        self.facts = facts
        self.origin = origin
        var byName: [String: Int] = [:]
        var byAddress: [PCIAddress: Int] = [:]
        var byParent: [String: [Int]] = [:]
        var groups: [Int: Set<PCIAddress>] = [:]
        // Every device of a group usually lists the same members: each list is added once.
        var listed: [Int: [PCIAddress]] = [:]
        for (index, device) in sorted.enumerated() {
            byName[device.name] = index
            if let parent = device.parent { byParent[parent, default: []].append(index) }
            guard let pci = device.pci else { continue }
            byAddress[pci.address] = index
            if let group = pci.iommuGroup {
                groups[group, default: []].insert(pci.address)
                if listed[group] != pci.iommuGroupMembers {
                    groups[group]!.formUnion(pci.iommuGroupMembers)
                    listed[group] = pci.iommuGroupMembers
                }
            }
        }
        self.indexByName = byName
        self.indexByAddress = byAddress
        self.indexesByParent = byParent
        self.groups = groups.mapValues { $0.sorted() }
    }

    /// Marks the PCI devices that other PCI devices hang off, or that the PCIe port driver holds:
    /// bridges whatever their class says.
    private static func markingPorts(_ devices: [HostDevice]) -> [HostDevice] {
        var children: [String: [String]] = [:]
        for device in devices where device.pci != nil {
            if let parent = device.parent { children[parent, default: []].append(device.name) }
        }
        var marked = devices
        for index in marked.indices where marked[index].pci != nil {
            if let below = children[marked[index].name] {
                marked[index].pci!.carriesPCIDevices =
                    "PCI devices hang off it: " + below.sorted().joined(separator: ", ")
            } else if marked[index].driver == "pcieport" {
                marked[index].pci!.carriesPCIDevices = "bound to the PCIe port driver pcieport"
            }
        }
        return marked
    }

    /// The device with a libvirt name.
    public func device(named name: String) -> HostDevice? { indexByName[name].map { devices[$0] } }

    /// The device with a parsed name.
    public func device(named name: DeviceName) -> HostDevice? {
        if let address = name.pciAddress { return device(at: address) }
        return device(named: name.description)
    }

    /// The devices whose parent is `name`, in device order.
    public func children(of name: String) -> [HostDevice] { (indexesByParent[name] ?? []).map { devices[$0] } }

    /// The PCI device at an address.
    public func device(at address: PCIAddress) -> HostDevice? { indexByAddress[address].map { devices[$0] } }

    /// The IOMMU group numbers, ascending.
    public var groupNumbers: [Int] { groups.keys.sorted() }

    /// The addresses in an IOMMU group, ascending.
    public func groupMembers(_ group: Int) -> [PCIAddress] { groups[group] ?? [] }

    /// The devices a host-device source names (a PCI address, a USB bus and device, a SCSI address).
    public func device(for source: HostdevSource) -> HostDevice? {
        if case .pci(let address) = source { return device(at: address) }
        return devices.first { source.matches($0) }
    }

    /// The domains whose XML names the device as a hostdev source, active ones first.
    public func owners(of device: HostDevice) -> [HostDomain] {
        domains.filter { domain in domain.hostdevSources.contains { $0.matches(device) } }
            .sorted { ($0.isActive ? 0 : 1, $0.name) < ($1.isActive ? 0 : 1, $1.name) }
    }

    /// Finds a domain by name or UUID (case-insensitive for the UUID).
    public func domain(named nameOrUUID: String) -> HostDomain? {
        domains.first { $0.name == nameOrUUID || $0.uuid?.lowercased() == nameOrUUID.lowercased() }
    }
}
