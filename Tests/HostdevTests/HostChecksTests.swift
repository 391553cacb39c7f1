import Foundation
import Hostdev
import Testing

@Suite("caps and doctor's host checks say what the chosen source shows")
struct HostChecksTests {
    static let sample = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }

    /// The sample host without IOMMU groups, as a host without an IOMMU shows it.
    static func withoutGroups() throws -> HostInventory {
        let sample = try sample.get()
        let devices = sample.devices.map { device in
            var copy = device
            copy.pci?.iommuGroup = nil
            copy.pci?.iommuGroupMembers = []
            return copy
        }
        return HostInventory(devices: devices, domains: [], origin: "no groups")
    }

    @Test(arguments: [["-c", Repository.sampleHostURI], ["--snapshot", Repository.sampleHost]])
    func aFileSourceShowsOnlyWhatTheFileHolds(source: [String]) throws {
        let caps = HostdevBinary.run(["caps", "--format", "json"] + source)
        #expect(caps.status == 0, "\(caps.stderr)")
        #expect(caps.stdout.contains("\"hostPassthrough\" : true"))
        #expect(caps.stdout.contains("\"kernelIOMMUOptions\" : null"))
        #expect(caps.stdout.contains("\"registeredIOMMUs\" : null"))
        let doctor = HostdevBinary.run(["doctor"] + source)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("[UNKNOWN] interrupt remapping"))
        #expect(!doctor.stdout.contains("no IR- entries"))
        #expect(!doctor.stdout.contains("support='no'"))
        #expect(!doctor.stdout.contains("[ERROR]"))
    }

    @Test func hostPassthroughFollowsTheIOMMUNotTheCommandLine() throws {
        // An AMD host: the IOMMU on without any flag.
        let amd = try FakeSysfs(mirroring: try Self.sample.get(), commandLine: "BOOT_IMAGE=/vmlinuz ro quiet")
        let on = HostCapabilities(inventory: try InventorySource.sysfs(root: amd.root).load())
        #expect(on.hostPassthrough == true)
        #expect(on.kernelIOMMUOptions == [])
        #expect(on.evidence == ["13 IOMMU groups", "IOMMU registered: dmar0"])
        let checks = Doctor(inventory: try InventorySource.sysfs(root: amd.root).load()).run().checks
        #expect(checks.first?.status == .ok)

        let none = try FakeSysfs(mirroring: try Self.withoutGroups())
        try FileManager.default.removeItem(atPath: none.root + "/sys/class/iommu/dmar0")
        let off = HostCapabilities(inventory: try InventorySource.sysfs(root: none.root).load())
        #expect(off.hostPassthrough == false)
        #expect(off.kernelIOMMUOptions == ["intel_iommu=on"])
        #expect(off.evidence == ["no IOMMU group, and no IOMMU registered under /sys/class/iommu"])
    }

    @Test func aSnapshotWithoutGroupsSaysNoAndOneWithoutDevicesSaysUnknown() throws {
        #expect(HostCapabilities(inventory: try Self.withoutGroups()).hostPassthrough == false)
        let empty = HostInventory(
            devices: [HostDevice(name: "computer", capability: "system")], domains: [], origin: "x")
        #expect(HostCapabilities(inventory: empty).hostPassthrough == nil)
    }

    @Test func allowUnsafeInterruptsNamesTheModuleThatIsNotLoaded() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let result = HostdevBinary.run(["doctor", "--sysfs", tree.root])
        #expect(result.stdout.contains("vfio_iommu_type1 is not loaded (no /sys/module/vfio_iommu_type1)"))
        #expect(!result.stdout.contains("run doctor with --sysfs /"))
        try tree.write("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n")
        let loaded = HostdevBinary.run(["doctor", "--sysfs", tree.root])
        #expect(loaded.stdout.contains("[OK] allow_unsafe_interrupts"))
    }

    @Test func interruptRemappingIsAWarningOnlyWhereInterruptsWereRead() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        let unread = try InventorySource.sysfs(root: tree.root).load()
        #expect(Doctor(inventory: unread).run().checks.first { $0.name == "interrupt remapping" }?.status == .unknown)
        try tree.write("proc/interrupts", "  0:  10  IO-APIC  2-edge  timer\n")
        let read = try InventorySource.sysfs(root: tree.root).load()
        let check = Doctor(inventory: read).run().checks.first { $0.name == "interrupt remapping" }
        #expect(check?.status == .warning)
        #expect(check?.evidence == ["cannot be confirmed: no IR- entries in /proc/interrupts"])
    }

    @Test(arguments: [
        ("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n", "hypervisor flag"),
        ("sys/class/dmi/id/sys_vendor", "QEMU\n", "DMI: QEMU"),
    ])
    func insideAVirtualMachineTheHypervisorMustExposeAnIOMMU(file: String, text: String, evidence: String) throws {
        let tree = try FakeSysfs(mirroring: try Self.withoutGroups(), commandLine: "ro quiet")
        try FileManager.default.removeItem(atPath: tree.root + "/sys/class/iommu/dmar0")
        try tree.write(file, text)
        let result = HostdevBinary.run(["doctor", "--sysfs", tree.root])
        #expect(result.status == 1)
        #expect(result.stdout.contains("must expose a virtual IOMMU"))
        #expect(result.stdout.contains(evidence))
        #expect(!result.stdout.contains("GRUB_CMDLINE_LINUX"))
        #expect(!result.stdout.contains("in the firmware setup"))
        let bareMetal = try FakeSysfs(mirroring: try Self.withoutGroups(), commandLine: "ro quiet")
        try FileManager.default.removeItem(atPath: bareMetal.root + "/sys/class/iommu/dmar0")
        #expect(HostdevBinary.run(["doctor", "--sysfs", bareMetal.root]).stdout.contains("GRUB_CMDLINE_LINUX"))
    }

    @Test(arguments: [
        ("user = \"libvirt-qemu\"  # Debian\n", "qemu:x:107:36::/:/sbin/nologin\n", "libvirt-qemu"),
        ("#user = \"root\"\n", "libvirt-qemu:x:64055:108::/:/usr/sbin/nologin\n", "libvirt-qemu"),
        ("", "qemu:x:107:36::/:/sbin/nologin\n", "qemu"),
        ("user = \"root\"\n", "", "root"),
    ])
    func theQEMUUserComesFromQemuConfThenTheAccounts(conf: String, passwd: String, expected: String) throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try tree.write("etc/libvirt/qemu.conf", conf)
        try tree.accounts(passwd: "root:x:0:0::/root:/bin/sh\n" + passwd, group: "root:x:0:\n")
        #expect(try InventorySource.sysfs(root: tree.root).load().facts.qemuUser == expected)
        let result = HostdevBinary.run(["doctor", "pci_0000_01_00_0", "--sysfs", tree.root])
        #expect(result.stdout.contains("/dev/vfio/1 usable by \(expected)"))
        let given = HostdevBinary.run(["doctor", "pci_0000_01_00_0", "--sysfs", tree.root, "--qemu-user", "nobody"])
        #expect(given.stdout.contains("/dev/vfio/1 usable by nobody"))
    }

    @Test func withoutASourceDoctorAndCapsCheckThisHost() {
        #expect(InventorySource.unnamed(environment: [:], thisHost: true) == .sysfs(root: "/"))
        #expect(InventorySource.unnamed(environment: [:], thisHost: false) == nil)
        #expect(
            InventorySource.unnamed(environment: ["LIBVIRT_DEFAULT_URI": "test:///default"], thisHost: true)
                == .libvirt(uri: nil))
        let viaEnvironment = HostdevBinary.run(
            ["caps"], environment: ["LIBVIRT_DEFAULT_URI": Repository.sampleHostURI])
        #expect(viaEnvironment.stdout.contains("source: " + Repository.sampleHostURI))
    }
}
