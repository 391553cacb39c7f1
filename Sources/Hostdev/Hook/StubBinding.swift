/// Binding a PCI device to vfio-pci and giving it back, the way libvirt does for `managed='yes'`
/// devices (virPCIDeviceBindToStub / UnbindFromStub): `driver_override`, unbind from the current
/// driver, `drivers_probe`, then the `driver` link read back to check what the kernel did.
struct StubBinding {
    /// The stub driver.
    static let stub = "vfio-pci"

    let tree: SysfsTree
    let writer: any SysfsAttributeWriter

    init(root: String, writer: any SysfsAttributeWriter) {
        tree = SysfsTree(root: root)
        self.writer = writer
    }

    private func base(_ address: PCIAddress) -> String { "sys/bus/pci/devices/\(address)" }

    /// The driver a device is bound to, `nil` when none.
    func driver(of address: PCIAddress) throws(HookFailure) -> String? {
        do throws(InventoryError) {
            return try tree.linkName(base(address) + "/driver")
        } catch {
            throw HookFailure(error.description)
        }
    }

    /// Whether vfio-pci is registered with the PCI bus (the module is loaded).
    var stubLoaded: Bool { tree.exists("sys/bus/pci/drivers/" + Self.stub) }

    /// Binds a device to vfio-pci; nothing is done when it already is. Checks the result.
    func bind(_ address: PCIAddress) throws(HookFailure) {
        let current = try driver(of: address)
        if current == Self.stub { return }
        try writer.write(Self.stub, to: base(address) + "/driver_override")
        if current != nil { try writer.write(address.description, to: base(address) + "/driver/unbind") }
        try writer.write(address.description, to: "sys/bus/pci/drivers_probe")
        let now = try driver(of: address)
        guard now == Self.stub else {
            throw HookFailure(
                "\(address.nodeDeviceName) did not bind to \(Self.stub) (its driver is now \(now ?? "none"))")
        }
    }

    /// Gives a device back to the host: unbound from vfio-pci and reset where the kernel offers it,
    /// `driver_override` cleared, probed for its own driver. Checks that vfio-pci let it go. Also
    /// undoes a bind that failed halfway (no reset then: the device never reached vfio-pci).
    /// - Returns: the driver that took it, `nil` when none did.
    @discardableResult
    func giveBack(_ address: PCIAddress) throws(HookFailure) -> String? {
        let current = try driver(of: address)
        if current == Self.stub {
            try writer.write(address.description, to: base(address) + "/driver/unbind")
        }
        if current == Self.stub && tree.exists(base(address) + "/reset") {
            try writer.write("1", to: base(address) + "/reset")
        }
        try writer.write("\n", to: base(address) + "/driver_override")
        try writer.write(address.description, to: "sys/bus/pci/drivers_probe")
        let now = try driver(of: address)
        guard now != Self.stub else {
            throw HookFailure("\(address.nodeDeviceName) is still bound to \(Self.stub)")
        }
        return now
    }
}
