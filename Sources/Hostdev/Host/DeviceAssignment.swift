import Libvirt

/// Detaching host devices for assignment and giving them back, with the guards that keep a host
/// from losing what it runs on.
public enum DeviceAssignment {
    /// Why a device must not be detached now. `hostUse` is the only refusal `--force` overrides.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case notPCI(String)
        case notAssignable(String, String)
        case ownedByRunningDomain(String, String)
        case hostUse(String, [String])

        public var description: String {
            switch self {
            case .notPCI(let name): "\(name) is not a PCI device; only PCI devices are detached for vfio"
            case .notAssignable(let name, let reason): "\(name) cannot be assigned: \(reason)"
            case .ownedByRunningDomain(let name, let domain):
                "\(name) belongs to running domain '\(domain)'; shut it down or remove the device first"
            case .hostUse(let name, let uses):
                "the host uses \(name): \(uses.joined(separator: "; ")) (pass --force to detach it anyway)"
            }
        }
    }

    /// The refusals for detaching a device; empty when it may go.
    /// - Parameter force: override the host-use guard (and only that one).
    public static func refusals(detaching device: HostDevice, inventory: HostInventory, force: Bool) -> [Refusal] {
        guard let pci = device.pci else { return [.notPCI(device.name)] }
        var refusals: [Refusal] = []
        if let reason = device.notAssignableReason { refusals.append(.notAssignable(device.name, reason)) }
        if let owner = inventory.owners(of: device).first(where: \.isActive) {
            refusals.append(.ownedByRunningDomain(device.name, owner.name))
        }
        if !force, let uses = inventory.facts.hostUse?[pci.address], !uses.isEmpty {
            refusals.append(.hostUse(device.name, uses))
        }
        return refusals
    }

    /// The refusals for giving a device back to the host; empty when it may go.
    public static func refusals(reattaching device: HostDevice, inventory: HostInventory) -> [Refusal] {
        guard device.pci != nil else { return [.notPCI(device.name)] }
        if let owner = inventory.owners(of: device).first(where: \.isActive) {
            return [.ownedByRunningDomain(device.name, owner.name)]
        }
        return []
    }

    /// Detaches a device from its host driver and binds it to vfio-pci.
    public static func detach(_ name: String, on connection: Connection) throws(LibvirtError) {
        try connection.nodeDevice(named: name).detach(driver: "vfio")
    }

    /// Resets a device (unless `reset` is false), then gives it back to its host driver. The reset
    /// first avoids the classic hang of a device returned in the state a guest left it.
    public static func reattach(_ name: String, reset: Bool, on connection: Connection) throws(LibvirtError) {
        let device = try connection.nodeDevice(named: name)
        if reset { try device.reset() }
        try device.reattach()
    }
}
