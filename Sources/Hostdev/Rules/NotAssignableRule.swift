/// A device that cannot be assigned: a bridge, a device with no IOMMU group, or a kind of device
/// that is not passed through (a network interface, the computer).
struct NotAssignableRule: PassthroughRule {
    let id = "not-assignable"
    let severity = Diagnostic.Severity.error
    let summary = "host device not assignable (a bridge, or no IOMMU group)"
    let explanation = """
        vfio assigns endpoints of an IOMMU group. A PCI-to-PCI or CardBus bridge cannot be assigned, and \
        a device without an IOMMU group means the IOMMU is off or does not cover it: QEMU fails with \
        "vfio: failed to get group" or libvirt with "VFIO device assignment is currently not supported". \
        Assign the endpoint behind the bridge, or enable the IOMMU (intel_iommu=on or amd_iommu=on).
        """
    let needsHost = true
    let commands = RuleCommand.domainCommands.union([.doctor, .detach])

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let inventory = domain.inventory else { return [] }
        var findings = domain.hostdevs.compactMap { element -> Diagnostic? in
            guard let source = element.source, let device = inventory.device(for: source),
                let reason = inventory.assignmentProblem(of: device)
            else { return nil }
            return finding("\(device.name) cannot be assigned: \(reason)", at: element.node, in: domain)
        }
        for entry in domain.request?.hostDevices ?? [] {
            // A device with a source is added, and the check above reports it at its element.
            guard let device = domain.device(for: entry), device.hostdevSource == nil,
                let reason = inventory.assignmentProblem(of: device)
            else { continue }
            findings.append(finding("\(entry.name) cannot be assigned: \(reason)", request: entry, in: domain))
        }
        return findings
    }

    func check(device subject: CheckedDevice) -> [Diagnostic] {
        let device = subject.device
        if subject.command == .detach && device.pci == nil {
            return [
                finding(
                    "\(device.name) is not a PCI device; only PCI devices are detached for vfio", device: subject)
            ]
        }
        guard let reason = subject.inventory.assignmentProblem(of: device) else { return [] }
        let fixIt: FixIt? =
            device.pci?.iommuGroup == nil && device.pci?.isBridge == false
            ? "enable the IOMMU (VT-d or AMD-Vi in the firmware, intel_iommu=on or amd_iommu=on); vfio cannot assign a device without a group"
            : nil
        return [finding("\(device.name) cannot be assigned: \(reason)", device: subject, fixIt: fixIt)]
    }
}
