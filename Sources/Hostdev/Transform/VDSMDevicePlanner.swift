import LibXML

/// Resolves the hostdev interfaces and mediated devices of a request and decides what to add; like
/// the planner of `<hostdev>` elements, it judges nothing: the rules check the result.
struct VDSMDevicePlanner {
    let domain: XMLNode
    let request: VMCreateRequest
    let inventory: HostInventory?

    /// Interfaces to add: the request and the VF's address.
    private(set) var interfaces: [(request: HostdevInterfaceRequest, address: PCIAddress)] = []
    /// Mediated devices to add: the request and the instance's UUID.
    private(set) var mediatedDevices: [(request: MdevRequest, uuid: String)] = []
    /// What the domain already has as asked: VF names and mdev node-device names.
    private(set) var kept: [String] = []

    init(domain: XMLNode, request: VMCreateRequest, inventory: HostInventory?) {
        self.domain = domain
        self.request = request
        self.inventory = inventory
    }

    mutating func plan() {
        guard let inventory else { return }
        let present = HostdevInterface.all(in: domain)
        for entry in request.interfaces {
            // A name the host does not have is still a PCI address: the rules report it at its element.
            guard let address = entry.device.name.pciAddress ?? inventory.device(named: entry.device.name)?.pci?.address
            else { continue }
            let same = present.first { interface in
                HostdevElement(interface.node).source == .pci(address)
                    && interface.macAddress?.lowercased() == entry.macAddress.lowercased()
                    && interface.vlanTags.map(\.text) == (entry.vlan.map { [String($0)] } ?? [])
            }
            if same != nil {
                kept.append(address.nodeDeviceName)
            } else {
                interfaces.append((entry, address))
            }
        }
        let existing = Set(MdevHostdev.all(in: domain).compactMap(\.uuid))
        let vmId = request.vmId ?? domain.firstElement(named: "uuid")?.textContent.trimmed
        for entry in request.mediatedDevices {
            guard let uuid = entry.uuid ?? vmId.map({ entry.instanceUUID(vmId: $0, among: request.mediatedDevices) })
            else { continue }
            if existing.contains(uuid) {
                kept.append(MdevDetails.nodeDeviceName(uuid: uuid))
            } else {
                mediatedDevices.append((entry, uuid))
            }
        }
    }

    /// The names of what is added, for the report.
    var added: [String] {
        interfaces.map(\.address.nodeDeviceName) + mediatedDevices.map { MdevDetails.nodeDeviceName(uuid: $0.uuid) }
    }

    /// Writes the planned elements into the domain; returns each with its origin.
    func emit() -> [(node: XMLNode, origin: CheckedDomain.Origin)] {
        guard !interfaces.isEmpty || !mediatedDevices.isEmpty else { return [] }
        let devices = domain.firstElement(named: "devices") ?? domain.appendIndentedElement("devices")
        let added = interfaces.map { planned in
            (
                InterfaceEmitter.append(planned.request, source: planned.address, to: devices),
                CheckedDomain.Origin.request(index: planned.request.device.index)
            )
        }
        return added
            + mediatedDevices.map { planned in
                (MdevEmitter.append(uuid: planned.uuid, to: devices), .request(index: planned.request.index))
            }
    }
}
