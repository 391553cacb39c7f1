import FoundationEssentials

/// The host checks of `hostdev doctor`: IOMMU, interrupt remapping, vfio.
extension Doctor {
    func hostChecks() -> [DoctorCheck] {
        let facts = inventory.facts
        var checks: [DoctorCheck] = []
        if let options = facts.enabledIOMMUOptions {
            checks.append(
                options.isEmpty
                    ? DoctorCheck(
                        "IOMMU on the kernel command line", .error,
                        evidence: ["/proc/cmdline: \(facts.kernelCommandLine ?? "")"],
                        fixIt:
                            "add intel_iommu=on (Intel) or amd_iommu=on (AMD) to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub and reboot"
                    )
                    : DoctorCheck(
                        "IOMMU on the kernel command line", .ok,
                        evidence: ["/proc/cmdline has \(options.joined(separator: " "))"]))
        } else if let support = facts.libvirtIOMMUSupport {
            checks.append(
                DoctorCheck(
                    "IOMMU enabled", support ? .ok : .error,
                    evidence: ["libvirt reports <iommu support='\(support ? "yes" : "no")'/>"],
                    fixIt: support
                        ? nil
                        : "enable VT-d or AMD-Vi in the firmware and add intel_iommu=on or amd_iommu=on to the kernel command line"
                ))
        } else {
            checks.append(.unknown("IOMMU on the kernel command line", "the kernel command line"))
        }
        if let iommus = facts.registeredIOMMUs {
            checks.append(
                iommus.isEmpty
                    ? DoctorCheck(
                        "IOMMU registered", .error, evidence: ["/sys/class/iommu is empty"],
                        fixIt:
                            "enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup; the kernel found no IOMMU"
                    )
                    : DoctorCheck(
                        "IOMMU registered", .ok, evidence: ["/sys/class/iommu: " + iommus.joined(separator: ", ")]))
        } else {
            checks.append(.unknown("IOMMU registered", "/sys/class/iommu"))
        }
        let groups = inventory.groupNumbers.count
        checks.append(
            groups > 0
                ? DoctorCheck("IOMMU groups", .ok, evidence: ["\(groups) IOMMU groups"])
                : DoctorCheck(
                    "IOMMU groups", .error, evidence: ["no device has an IOMMU group"],
                    fixIt:
                        "turn the IOMMU on (firmware and kernel command line); without groups vfio cannot assign anything"
                ))
        switch facts.interruptRemapping {
        case true?:
            checks.append(
                DoctorCheck("interrupt remapping", .ok, evidence: ["/proc/interrupts shows IR- (remapped) interrupts"]))
        case false?:
            checks.append(
                DoctorCheck(
                    "interrupt remapping", .warning,
                    evidence: ["the kernel command line turns it off (intremap=off or nointremap)"],
                    fixIt:
                        "remove intremap=off/nointremap; without remapping vfio refuses devices unless allow_unsafe_interrupts is set"
                ))
        case nil:
            checks.append(
                DoctorCheck(
                    "interrupt remapping", .warning,
                    evidence: ["cannot be confirmed from what the source shows (no IR- entries in /proc/interrupts)"],
                    fixIt: "check `dmesg | grep -i remapping` for \"Enabled IRQ remapping\""))
        }
        switch facts.allowUnsafeInterrupts {
        case true?:
            checks.append(
                DoctorCheck(
                    "allow_unsafe_interrupts", .warning,
                    evidence: ["vfio_iommu_type1.allow_unsafe_interrupts=Y"],
                    fixIt:
                        "a guest can forge MSI interrupts into the host without interrupt remapping: use it only on hosts that lack remapping and whose guests are trusted; remove vfio_iommu_type1.allow_unsafe_interrupts=1 otherwise"
                ))
        case false?:
            checks.append(
                DoctorCheck("allow_unsafe_interrupts", .ok, evidence: ["vfio_iommu_type1.allow_unsafe_interrupts=N"]))
        case nil:
            checks.append(.unknown("allow_unsafe_interrupts", "vfio_iommu_type1's allow_unsafe_interrupts"))
        }
        if let container = facts.vfioContainerPresent {
            checks.append(
                DoctorCheck(
                    "/dev/vfio/vfio", container ? .ok : .error,
                    evidence: [container ? "/dev/vfio/vfio exists" : "/dev/vfio/vfio is missing"],
                    fixIt: container ? nil : "modprobe vfio-pci (and add it to /etc/modules-load.d/vfio.conf)"))
        } else {
            checks.append(.unknown("/dev/vfio/vfio", "/dev/vfio"))
        }
        if let driver = facts.vfioPCIDriverPresent {
            checks.append(
                DoctorCheck(
                    "vfio-pci driver", driver ? .ok : .error,
                    evidence: [
                        driver ? "/sys/bus/pci/drivers/vfio-pci exists" : "the vfio-pci driver is not registered"
                    ],
                    fixIt: driver ? nil : "modprobe vfio-pci"))
        } else {
            checks.append(.unknown("vfio-pci driver", "the vfio-pci driver"))
        }
        return checks
    }
}
