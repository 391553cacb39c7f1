import FoundationEssentials

/// Creating and removing mediated-device instances on the host through sysfs (an mdev type's
/// `create`, an instance's `remove`), with the guards of detach: never an instance a running domain
/// uses, never on a parent a domain holds whole.
public enum MdevInstances {
    /// Why an instance must not be created or removed now.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case exists(String)
        case notFound(String)
        case placement(String)
        case parentAssigned(String, domain: String)
        case usedByRunningDomain(String, domain: String)
        case domainUnreadable(String)

        public var description: String {
            switch self {
            case .exists(let uuid): "mediated device \(uuid) already exists"
            case .notFound(let uuid): "no mediated device \(uuid) on this host"
            case .placement(let reason): reason
            case .parentAssigned(let parent, let domain):
                "\(parent) is assigned whole to domain '\(domain)'; it cannot also host mediated devices"
            case .usedByRunningDomain(let uuid, let domain):
                "mediated device \(uuid) belongs to running domain '\(domain)'; shut it down or remove the device first"
            case .domainUnreadable(let name): "the XML of domain '\(name)' cannot be read, so what it uses is unknown"
            }
        }
    }

    /// A planned creation.
    public struct Creation: Sendable, Equatable {
        /// The parent device.
        public var parent: HostDevice
        /// The type id.
        public var type: String
        /// The new instance's UUID.
        public var uuid: String
        /// A note about placement, when there is one.
        public var note: String?
    }

    /// Plans a creation: the UUID (given, or a new random one) and the parent (given, or by placement).
    public static func plan(
        type: String, placement: MdevRequest.Placement, parent: DeviceName?, uuid: String?, inventory: HostInventory,
        domains: [HostDomain]
    ) -> Result<Creation, Refusal> {
        let uuid = uuid?.lowercased() ?? UUID().uuidString.lowercased()
        if inventory.device(named: MdevDetails.nodeDeviceName(uuid: uuid)) != nil { return .failure(.exists(uuid)) }
        var placer = MdevPlacement(inventory: inventory)
        let chosen: (parent: String, note: String?)
        do throws(MdevPlacement.Refusal) {
            chosen = try placer.place(type: type, placement: placement, parent: parent)
        } catch {
            return .failure(.placement(error.description))
        }
        guard let device = inventory.device(named: chosen.parent) else {
            return .failure(.placement("\(chosen.parent) is not on \(inventory.origin)"))
        }
        if let owner = domains.first(where: { domain in domain.hostdevSources.contains { $0.matches(device) } }) {
            return .failure(.parentAssigned(device.name, domain: owner.name))
        }
        return .success(Creation(parent: device, type: type, uuid: uuid, note: chosen.note))
    }

    /// Writes the UUID to the type's `create` under the parent.
    public static func create(
        _ creation: Creation, root: String, writer: (any SysfsAttributeWriter)? = nil
    ) throws(HostChangeError) {
        let writer = writer ?? SysfsAttributeFiles(root: root)
        guard let address = creation.parent.pci?.address else {
            throw .host("\(creation.parent.name) is not a PCI device")
        }
        do throws(HookFailure) {
            try writer.write(
                creation.uuid,
                to: "sys/bus/pci/devices/\(address.description)/mdev_supported_types/\(creation.type)/create")
        } catch {
            throw .host(error.description)
        }
    }

    /// The refusals for removing an instance; empty when it may go.
    public static func refusals(removing uuid: String, inventory: HostInventory, domains: [HostDomain]) -> [Refusal] {
        let uuid = uuid.lowercased()
        guard inventory.device(named: MdevDetails.nodeDeviceName(uuid: uuid)) != nil else { return [.notFound(uuid)] }
        var refusals: [Refusal] = []
        for domain in domains where domain.isActive {
            guard let uuids = MdevHostdev.uuids(of: domain) else {
                refusals.append(.domainUnreadable(domain.name))
                continue
            }
            if uuids.contains(uuid) { refusals.append(.usedByRunningDomain(uuid, domain: domain.name)) }
        }
        return refusals
    }

    /// Writes 1 to the instance's `remove`.
    public static func remove(uuid: String, root: String, writer: (any SysfsAttributeWriter)? = nil)
        throws(HostChangeError)
    {
        let writer = writer ?? SysfsAttributeFiles(root: root)
        do throws(HookFailure) {
            try writer.write("1", to: "sys/bus/mdev/devices/\(uuid.lowercased())/remove")
        } catch {
            throw .host(error.description)
        }
    }
}
