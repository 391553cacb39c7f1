/// A device given back to the host that is not detached (not bound to vfio-pci or pci-stub), or
/// whose binding cannot be read.
struct NotDetachedRule: PassthroughRule {
    let id = "not-detached"
    let severity = Diagnostic.Severity.error
    let summary = "reattach of a device that is not bound to vfio-pci or pci-stub, or whose binding is unknown"
    let explanation = """
        Reattaching resets a device and unbinds it from its driver. On a device the host is using (bound \
        to its own driver, say virtio-pci or nvme) that yanks a live disk or NIC from the host. Only a \
        device bound to vfio-pci or pci-stub is given back; a device whose binding the source does not \
        show (libvirt's test driver drops <driver>) is refused too. A forced reattach overrides this guard.
        """
    let commands: Set<RuleCommand> = [.reattach]
    let yieldsToForce = true

    /// Drivers a detached device is bound to.
    static let detachedDrivers: Set<String> = ["vfio-pci", "pci-stub"]

    func check(device subject: CheckedDevice) -> [Diagnostic] {
        let device = subject.device
        guard device.pci != nil else {
            return [finding("\(device.name) is not a PCI device; only PCI devices are reattached", device: subject)]
        }
        guard let driver = device.driver else {
            return [
                finding(
                    "cannot tell what \(device.name) is bound to: \(subject.inventory.origin) does not show its driver",
                    device: subject, fixIt: "check its driver on the host (it must be vfio-pci or pci-stub)")
            ]
        }
        guard !Self.detachedDrivers.contains(driver) else { return [] }
        return [
            finding(
                "\(device.name) is not detached: the host's driver \(driver) has it", device: subject,
                fixIt: "nothing to give back; it is the host's already")
        ]
    }
}
