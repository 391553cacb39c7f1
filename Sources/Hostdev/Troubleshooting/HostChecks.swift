/// The host checks of `hostdev doctor`: IOMMU, interrupt remapping, vfio.
///
/// Each check reads only what the inventory's source showed; what it did not show is UNKNOWN, with
/// the reason as it is (the source has no such file, a module is not loaded), never a guess.
extension Doctor {
    func hostChecks() -> [DoctorCheck] {
        HostChecks(inventory: inventory).all()
    }
}

/// The host checks over one inventory.
struct HostChecks {
    let inventory: HostInventory
    var facts: HostFacts { inventory.facts }

    func all() -> [DoctorCheck] {
        let checks = [
            commandLine(), registered(), groups(), interruptRemapping(), unsafeInterrupts(), vfioContainer(),
            vfioDriver(),
        ]
        // Inside a virtual machine the advice is the same for every IOMMU check: give it once.
        let advice = enableIOMMU("")
        var given = false
        return checks.map { check in
            guard facts.hypervisor != nil, check.fixIt == advice else { return check }
            defer { given = true }
            guard given else { return check }
            var shortened = check
            shortened.fixIt = "the hypervisor must expose a virtual IOMMU (see above)"
            return shortened
        }
    }

    /// The source shows the IOMMU at work: groups or a registered IOMMU.
    private var iommuWorks: Bool { !inventory.groupNumbers.isEmpty || !(facts.registeredIOMMUs ?? []).isEmpty }

    /// What to do when the host has no IOMMU: firmware and kernel on bare metal, the hypervisor
    /// inside a virtual machine.
    private func enableIOMMU(_ bareMetal: String) -> FixIt {
        guard let hypervisor = facts.hypervisor else { return FixIt(bareMetal) }
        return FixIt(
            "this host is a virtual machine (\(hypervisor)): firmware and GRUB settings cannot give it an IOMMU; "
                + "its hypervisor must expose a virtual IOMMU (libvirt: <iommu model='intel'/> with <ioapic driver='qemu'/> "
                + "in this machine's domain; QEMU: -device intel-iommu,intremap=on,caching-mode=on), then boot it with "
                + "intel_iommu=on")
    }

    /// A check the source cannot answer, saying why.
    private func unknown(_ name: String, _ what: String) -> DoctorCheck {
        if let root = facts.sourceRoot {
            return DoctorCheck(name, .unknown, evidence: ["\(what) is not in sysfs \(root)"])
        }
        return DoctorCheck(
            name, .unknown, evidence: ["\(inventory.origin) does not show \(what)"],
            fixIt: FixIt("check it on the host itself, from its own sysfs", action: .doctorOnThisHost))
    }

    private func commandLine() -> DoctorCheck {
        let name = "IOMMU on the kernel command line"
        guard let options = facts.enabledIOMMUOptions else {
            if let support = facts.libvirtIOMMUSupport {
                return DoctorCheck(
                    "IOMMU enabled", support ? .ok : .error,
                    evidence: ["libvirt reports <iommu support='\(support ? "yes" : "no")'/>"],
                    fixIt: support
                        ? nil
                        : enableIOMMU(
                            "enable VT-d or AMD-Vi in the firmware and add intel_iommu=on or amd_iommu=on to the kernel command line"
                        ))
            }
            return unknown(name, "the kernel command line (/proc/cmdline)")
        }
        if !options.isEmpty {
            return DoctorCheck(name, .ok, evidence: ["/proc/cmdline has \(options.joined(separator: " "))"])
        }
        if iommuWorks {
            return DoctorCheck(
                name, .ok,
                evidence: [
                    "/proc/cmdline has no IOMMU option, and the IOMMU is on without one (AMD-Vi is on by default)"
                ])
        }
        return DoctorCheck(
            name, .error, evidence: ["/proc/cmdline: \(facts.kernelCommandLine ?? "")"],
            fixIt: enableIOMMU(
                "add intel_iommu=on (Intel) or amd_iommu=on (AMD) to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub and reboot"
            ))
    }

    private func registered() -> DoctorCheck {
        let name = "IOMMU registered"
        guard let iommus = facts.registeredIOMMUs else { return unknown(name, "/sys/class/iommu") }
        guard !iommus.isEmpty else {
            return DoctorCheck(
                name, .error, evidence: ["/sys/class/iommu is empty"],
                fixIt: enableIOMMU(
                    "enable VT-d (Intel) or AMD-Vi/IOMMU (AMD) in the firmware setup; the kernel found no IOMMU"))
        }
        return DoctorCheck(name, .ok, evidence: ["/sys/class/iommu: " + iommus.joined(separator: ", ")])
    }

    private func groups() -> DoctorCheck {
        let groups = inventory.groupNumbers.count
        // With the IOMMU on, the kernel puts every PCI device in a group: an endpoint without one is
        // not covered by the IOMMU, or its iommu_group link cannot be read. It cannot be assigned.
        let ungrouped = inventory.devices.filter { $0.pci.map { !$0.isBridge && $0.iommuGroup == nil } ?? false }
        if groups > 0 && !ungrouped.isEmpty {
            let names = ungrouped.prefix(5).map(\.name).joined(separator: ", ") + (ungrouped.count > 5 ? ", …" : "")
            return DoctorCheck(
                "IOMMU groups", .warning,
                evidence: ["\(groups) IOMMU groups", "\(ungrouped.count) PCI endpoint(s) in none: \(names)"],
                fixIt:
                    "look at each one's iommu_group link in /sys/bus/pci/devices: a device outside every group cannot be assigned"
            )
        }
        guard groups == 0 else { return DoctorCheck("IOMMU groups", .ok, evidence: ["\(groups) IOMMU groups"]) }
        return DoctorCheck(
            "IOMMU groups", .error, evidence: ["no device has an IOMMU group"],
            fixIt: enableIOMMU(
                "turn the IOMMU on (firmware and kernel command line); without groups vfio cannot assign anything"))
    }

    private func interruptRemapping() -> DoctorCheck {
        let name = "interrupt remapping"
        switch (facts.interruptRemapping, facts.interruptRemappingEvidence) {
        case (true?, let evidence):
            return DoctorCheck(name, .ok, evidence: [evidence ?? "on"])
        case (false?, let evidence):
            return DoctorCheck(
                name, .warning, evidence: [evidence ?? "off"],
                fixIt:
                    "remove intremap=off/nointremap; without remapping vfio refuses devices unless allow_unsafe_interrupts is set"
            )
        case (nil, let evidence?):
            return DoctorCheck(
                name, .warning, evidence: ["cannot be confirmed: " + evidence],
                fixIt: "check `dmesg | grep -i remapping` for \"Enabled IRQ remapping\"")
        case (nil, nil):
            return unknown(name, "/proc/interrupts")
        }
    }

    private func unsafeInterrupts() -> DoctorCheck {
        let name = "allow_unsafe_interrupts"
        switch facts.allowUnsafeInterrupts {
        case true?:
            return DoctorCheck(
                name, .warning, evidence: ["vfio_iommu_type1.allow_unsafe_interrupts=Y"],
                fixIt:
                    "a guest can forge MSI interrupts into the host without interrupt remapping: use it only on hosts that lack remapping and whose guests are trusted; remove vfio_iommu_type1.allow_unsafe_interrupts=1 otherwise"
            )
        case false?:
            return DoctorCheck(name, .ok, evidence: ["vfio_iommu_type1.allow_unsafe_interrupts=N"])
        case nil where facts.vfioIOMMUType1Loaded == false:
            return DoctorCheck(
                name, .unknown,
                evidence: [
                    "vfio_iommu_type1 is not loaded (no /sys/module/vfio_iommu_type1), so its allow_unsafe_interrupts cannot be read"
                ],
                fixIt: "modprobe vfio-pci (it loads vfio_iommu_type1) and run doctor again")
        case nil where facts.vfioIOMMUType1Loaded == true:
            return DoctorCheck(
                name, .unknown,
                evidence: ["vfio_iommu_type1 is loaded but shows no allow_unsafe_interrupts parameter"])
        case nil:
            return unknown(name, "vfio_iommu_type1's allow_unsafe_interrupts")
        }
    }

    private func vfioContainer() -> DoctorCheck {
        guard let container = facts.vfioContainerPresent else { return unknown("/dev/vfio/vfio", "/dev/vfio") }
        return DoctorCheck(
            "/dev/vfio/vfio", container ? .ok : .error,
            evidence: [container ? "/dev/vfio/vfio exists" : "/dev/vfio/vfio is missing"],
            fixIt: container ? nil : "modprobe vfio-pci (and add it to /etc/modules-load.d/vfio.conf)")
    }

    private func vfioDriver() -> DoctorCheck {
        guard let driver = facts.vfioPCIDriverPresent else {
            return unknown("vfio-pci driver", "the vfio-pci driver")
        }
        return DoctorCheck(
            "vfio-pci driver", driver ? .ok : .error,
            evidence: [driver ? "/sys/bus/pci/drivers/vfio-pci exists" : "the vfio-pci driver is not registered"],
            fixIt: driver ? nil : "modprobe vfio-pci")
    }
}
