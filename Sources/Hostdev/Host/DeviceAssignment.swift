import Libvirt

/// Detaching host devices for assignment and giving them back, with the catalogue's guards that
/// keep a host from losing what it runs on.
public enum DeviceAssignment {
    /// The refusals for detaching a device (the errors of ``RuleCatalogue``'s detach rules); empty
    /// when it may go.
    /// - Parameter force: override the host-use guard (and only that one).
    public static func refusals(detaching device: HostDevice, inventory: HostInventory, force: Bool) -> [Diagnostic] {
        RuleCatalogue.evaluate(device: device, inventory: inventory, command: .detach, force: force)
            .filter { $0.severity == .error }
    }

    /// The refusals for giving a device back to the host (not detached, its binding unknown, a
    /// running domain holds it); empty when it may go.
    /// - Parameter force: override the guard on the device's binding (and only that one).
    public static func refusals(reattaching device: HostDevice, inventory: HostInventory, force: Bool = false)
        -> [Diagnostic]
    {
        RuleCatalogue.evaluate(device: device, inventory: inventory, command: .reattach, force: force)
            .filter { $0.severity == .error }
    }

    /// Detaches a device from its host driver and binds it to vfio-pci.
    static func detach(_ name: String, on connection: Connection) throws(LibvirtError) {
        try connection.nodeDevice(named: name).detach(driver: "vfio")
    }

    /// Resets a device (unless `reset` is false), then gives it back to its host driver. The reset
    /// first avoids the classic hang of a device returned in the state a guest left it.
    static func reattach(_ name: String, reset: Bool, on connection: Connection) throws(LibvirtError) {
        let device = try connection.nodeDevice(named: name)
        if reset { try device.reset() }
        try device.reattach()
    }
}
