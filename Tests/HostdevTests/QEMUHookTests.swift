import Foundation
import Testing

@testable import Hostdev

/// The kernel's side of the attributes the hook writes, simulated over a fake tree: every write
/// lands in the tree's plain file (so the test sees what was written where) and is logged; `unbind`
/// removes the device's `driver` link; `drivers_probe` links the device to its `driver_override`,
/// or, without one, to the driver it had first.
final class SimulatedKernel: SysfsAttributeWriter, @unchecked Sendable {
    let tree: FakeSysfs
    let files: SysfsAttributeFiles
    let hostDrivers: [String: String]
    private let log = Locked<[String]>([])

    init(tree: FakeSysfs, hostDrivers: [String: String]) {
        self.tree = tree
        self.files = SysfsAttributeFiles(root: tree.root)
        self.hostDrivers = hostDrivers
    }

    /// Links a device to a driver without going through the hook (an earlier start).
    func bindByHand(_ address: String, to driver: String) throws {
        try tree.link("sys/bus/pci/drivers/" + driver, at: try devicePath(address) + "/driver")
    }

    /// `PATH <- VALUE`, in order.
    var writes: [String] { log.withLock { $0 } }

    func write(_ value: String, to relative: String) throws(HookFailure) {
        try files.write(value, to: relative)
        log.withLock { $0.append("\(relative) <- \(value.trimmingCharacters(in: .whitespacesAndNewlines))") }
        do {
            if relative.hasSuffix("/unbind") {
                try FileManager.default.removeItem(atPath: tree.root + "/" + devicePath(value) + "/driver")
            } else if relative == "sys/bus/pci/drivers_probe" {
                let device = try devicePath(value)
                let override = try String(
                    contentsOfFile: tree.root + "/" + device + "/driver_override", encoding: .utf8
                )
                .trimmingCharacters(in: .whitespacesAndNewlines)
                if let driver = override.isEmpty ? hostDrivers[value] : override {
                    try tree.link("sys/bus/pci/drivers/" + driver, at: device + "/driver")
                }
            }
        } catch {
            throw HookFailure("simulated kernel: \(error)")
        }
    }

    /// The device's real directory, relative to the root.
    private func devicePath(_ address: String) throws -> String {
        guard let real = realpath(tree.root + "/sys/bus/pci/devices/" + address, nil) else {
            throw HookFailure("simulated kernel: no device \(address)")
        }
        defer { free(real) }
        let rootReal = realpath(tree.root, nil).map { pointer in
            defer { free(pointer) }
            return String(cString: pointer)
        }
        return String(String(cString: real).dropFirst((rootReal ?? tree.root).count + 1))
    }
}

extension FakeSysfs {
    /// The attributes the kernel offers for binding: `driver_override` and `reset` of each PCI
    /// device, `bind`/`unbind` of each driver, the bus's `drivers_probe`; all empty plain files.
    func bindingAttributes(_ inventory: HostInventory) throws {
        for device in inventory.devices {
            guard let pci = device.pci else { continue }
            try write(pathOfPCI(pci.address) + "/driver_override", "")
            try write(pathOfPCI(pci.address) + "/reset", "")
        }
        let drivers = Set(inventory.devices.compactMap { $0.pci == nil ? nil : $0.driver } + ["vfio-pci"])
        for driver in drivers {
            try write("sys/bus/pci/drivers/\(driver)/bind", "")
            try write("sys/bus/pci/drivers/\(driver)/unbind", "")
        }
        try write("sys/bus/pci/drivers_probe", "")
    }

    /// Every file's content and every link's target under the root, to compare before and after.
    var state: String {
        HostdevBinary.shell(
            "cd '\(root)' && find . -type f -exec md5sum {} + | sort && find . -type l -printf '%p -> %l\\n' | sort")
    }

    /// The driver a PCI device's `driver` link names, `nil` when none.
    func driver(of address: String) -> String? {
        let link = root + "/sys/bus/pci/devices/\(address)/driver"
        return (try? FileManager.default.destinationOfSymbolicLink(atPath: link)).map {
            ($0 as NSString).lastPathComponent
        }
    }

    /// A status file of a running domain, as libvirt keeps one under /run/libvirt/qemu.
    /// libvirt's status file of a running domain holding one PCI device; `marked`: bearing the
    /// non-migratable marker (its release runs the hook).
    func runningDomain(_ name: String, hostdev address: String, marked: Bool = false) throws {
        let parts = address.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        let marker =
            marked
            ? "<metadata><hostdev:passthrough xmlns:hostdev='\(MigrationMarker.namespace)' migratable='no'/></metadata>"
            : ""
        try write(
            "run/libvirt/qemu/\(name).xml",
            """
            <domstatus state='running' reason='booted' pid='4242'>
              <domain type='kvm' id='7'>
                <name>\(name)</name>
                \(marker)
                <devices>
                  <hostdev mode='subsystem' type='pci' managed='no'>
                    <source><address domain='0x\(parts[0])' bus='0x\(parts[1])' slot='0x\(parts[2])' function='0x\(parts[3])'/></source>
                  </hostdev>
                </devices>
              </domain>
            </domstatus>
            """)
    }
}

@Suite("libvirt's QEMU hook")
struct QEMUHookTests {
    static let sample = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }
    static let hostDrivers = ["0000:01:00.0": "nvidia", "0000:01:00.1": "snd_hda_intel"]

    /// web-server.xml with the GPU and its audio function, as `hostdev transform` writes it.
    static func markedGPUDomain() throws -> [UInt8] {
        let domain = try #require(readFile(Repository.root + "/Samples/domains/web-server.xml"))
        let request = try VMCreateRequest.decode(
            Array(try #require(readFile(Repository.root + "/Samples/vmcreate/gpu.json")).utf8))
        let result = try PassthroughTransform.run(
            domainXML: Array(domain.utf8), request: request, inventory: try sample.get())
        return try #require(result.xml)
    }

    /// A hand-edited domain: the marker (holding `placeholders`) and the device at bus `bus` as a
    /// managed='no' hostdev.
    static func handEditedDomain(_ name: String, bus: String, placeholders: String = "") -> String {
        """
        <domain type='kvm'>
          <name>\(name)</name>
          <metadata>
            <hostdev:passthrough xmlns:hostdev="https://hostdev.dev/xmlns/passthrough/1.0" migratable="no">
              \(placeholders)
            </hostdev:passthrough>
          </metadata>
          <memory unit='GiB'>2</memory>
          <os><type arch='x86_64'>hvm</type></os>
          <devices>
            <hostdev mode='subsystem' type='pci' managed='no'>
              <source><address domain='0x0000' bus='\(bus)' slot='0x00' function='0x0'/></source>
            </hostdev>
          </devices>
        </domain>
        """
    }

    /// The host's root NVMe as a managed='no' hostdev.
    static let rootNVMeDomain = handEditedDomain("nvme-grab", bus: "0x02")

    static func hook(_ arguments: [String], root: String, stdin: String) -> CommandResult {
        HostdevBinary.run(["hook"] + arguments + ["--sysfs", root], stdin: stdin)
    }

    @Test func prepareBindsAMarkedGPUDomainsDevicesToVFIOAndReleaseGivesThemBack() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        let kernel = SimulatedKernel(tree: tree, hostDrivers: Self.hostDrivers)
        let hook = QEMUHook(root: tree.root, writer: kernel)
        let xml = try Self.markedGPUDomain()

        let prepared = hook.run(domain: "web-server", operation: "prepare", subOperation: "begin", domainXML: xml)
        #expect(prepared == .init(exitCode: 0, messages: [], changed: ["pci_0000_01_00_0", "pci_0000_01_00_1"]))
        #expect(
            kernel.writes == [
                "sys/bus/pci/devices/0000:01:00.0/driver_override <- vfio-pci",
                "sys/bus/pci/devices/0000:01:00.0/driver/unbind <- 0000:01:00.0",
                "sys/bus/pci/drivers_probe <- 0000:01:00.0",
                "sys/bus/pci/devices/0000:01:00.1/driver_override <- vfio-pci",
                "sys/bus/pci/devices/0000:01:00.1/driver/unbind <- 0000:01:00.1",
                "sys/bus/pci/drivers_probe <- 0000:01:00.1",
            ])
        #expect(readFile(tree.root + "/sys/bus/pci/drivers/nvidia/unbind") == "0000:01:00.0")
        #expect(readFile(tree.root + "/sys/bus/pci/drivers/snd_hda_intel/unbind") == "0000:01:00.1")
        #expect(tree.driver(of: "0000:01:00.0") == "vfio-pci")
        #expect(tree.driver(of: "0000:01:00.1") == "vfio-pci")
        #expect(tree.driver(of: "0000:00:01.0") == "pcieport")
        #expect(
            readFile(tree.root + "/run/hostdev/qemu/web-server.devices")
                == "0000:01:00.0 nvidia\n0000:01:00.1 snd_hda_intel\n")

        // Starting again (a restore) binds nothing twice.
        let again = hook.run(domain: "web-server", operation: "prepare", subOperation: "begin", domainXML: xml)
        #expect(again.exitCode == 0 && again.changed.isEmpty && kernel.writes.count == 6)

        let released = hook.run(domain: "web-server", operation: "release", subOperation: "end", domainXML: xml)
        #expect(released == .init(exitCode: 0, messages: [], changed: ["pci_0000_01_00_0", "pci_0000_01_00_1"]))
        #expect(
            kernel.writes.dropFirst(6) == [
                "sys/bus/pci/devices/0000:01:00.0/driver/unbind <- 0000:01:00.0",
                "sys/bus/pci/devices/0000:01:00.0/reset <- 1",
                "sys/bus/pci/devices/0000:01:00.0/driver_override <- ",
                "sys/bus/pci/drivers_probe <- 0000:01:00.0",
                "sys/bus/pci/devices/0000:01:00.1/driver/unbind <- 0000:01:00.1",
                "sys/bus/pci/devices/0000:01:00.1/reset <- 1",
                "sys/bus/pci/devices/0000:01:00.1/driver_override <- ",
                "sys/bus/pci/drivers_probe <- 0000:01:00.1",
            ])
        #expect(tree.driver(of: "0000:01:00.0") == "nvidia")
        #expect(tree.driver(of: "0000:01:00.1") == "snd_hda_intel")
        #expect(readFile(tree.root + "/run/hostdev/qemu/web-server.devices") == nil)
    }

    @Test func aHostdevInterfaceIsBoundAndAManagedDeviceIsLeftToLibvirt() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        let kernel = SimulatedKernel(tree: tree, hostDrivers: ["0000:03:10.2": "ixgbevf"])
        let xml = Self.rootNVMeDomain.replacingOccurrences(
            of: """
                    <hostdev mode='subsystem' type='pci' managed='no'>
                      <source><address domain='0x0000' bus='0x02' slot='0x00' function='0x0'/></source>
                    </hostdev>
                """,
            with: """
                    <interface type='hostdev' managed='no'>
                      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x2'/></source>
                    </interface>
                    <hostdev mode='subsystem' type='pci' managed='yes'>
                      <source><address domain='0x0001' bus='0x01' slot='0x00' function='0x0'/></source>
                    </hostdev>
                """)
        #expect(xml.contains("<interface type='hostdev'"))
        let outcome = QEMUHook(root: tree.root, writer: kernel).run(
            domain: "nvf", operation: "prepare", subOperation: "begin", domainXML: Array(xml.utf8))
        #expect(outcome == .init(exitCode: 0, messages: [], changed: ["pci_0000_03_10_2"]))
        #expect(kernel.writes.allSatisfy { !$0.contains("0001:01:00.0") })
        #expect(tree.driver(of: "0000:03:10.2") == "vfio-pci")
        #expect(tree.driver(of: "0001:01:00.0") == "nvidia")
    }

    @Test func aHandEditedDomainNamingTheRootNVMeIsRefusedWithNothingTouched() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        try tree.blockDevice(
            "nvme0n1", partition: "nvme0n1p2", on: try PCIAddress(sysfsName: "0000:02:00.0"), mountedOn: "/")
        let before = tree.state
        let result = Self.hook(["nvme-grab", "prepare", "begin", "-"], root: tree.root, stdin: Self.rootNVMeDomain)
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "hostdev: domain 'nvme-grab' refused: the host itself uses pci_0000_02_00_0: /dev/nvme0n1p2 mounted on / [host-device-in-use]\n"
        )
        #expect(tree.state == before)
        #expect(tree.driver(of: "0000:02:00.0") == "nvme")
    }

    @Test(arguments: [
        (
            "<hostdev:placeholder device='pci_0000_01_00_1x'/>",
            "placeholder 'pci_0000_01_00_1x' names no PCI device (pci_DDDD_BB_SS_F)"
        ),
        ("<hostdev:placeholder device='usb_1_2'/>", "placeholder 'usb_1_2' names no PCI device (pci_DDDD_BB_SS_F)"),
        ("<hostdev:placeholder/>", "a placeholder has no device attribute"),
    ])
    func anUnreadablePlaceholderIsRefusedAlikeByTheHookLintAndTheTransform(placeholder: String, problem: String)
        throws
    {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        let before = tree.state
        let domain = Self.handEditedDomain("bad-placeholder", bus: "0x01", placeholders: placeholder)
        let hook = Self.hook(["bad-placeholder", "prepare", "begin", "-"], root: tree.root, stdin: domain)
        #expect(hook.status == 1)
        #expect(hook.stderr.contains("domain 'bad-placeholder' refused: \(problem) [placeholder-invalid]"))
        #expect(tree.state == before)
        try withScratchDirectory("placeholder") { directory in
            let file = directory + "/domain.xml"
            try domain.write(toFile: file)
            let lint = HostdevBinary.run(["lint", file])
            #expect(lint.status == 1)
            #expect(lint.stdout.contains("domain.xml:5:7: error: \(problem) [placeholder-invalid]"))
            let transform = HostdevBinary.run(["transform", file, "--snapshot", Repository.sampleHost, "--no-schema"])
            #expect(transform.status == 1 && transform.stdout.isEmpty)
            #expect(transform.stderr.contains("\(problem) [placeholder-invalid]"))
        }
    }

    @Test func aDeviceAnotherRunningDomainHoldsIsRefusedAndNeverGivenBack() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        try tree.runningDomain("audio-box", hostdev: "0000:01:00.1")
        let kernel = SimulatedKernel(tree: tree, hostDrivers: Self.hostDrivers)
        let hook = QEMUHook(root: tree.root, writer: kernel)
        let xml = try Self.markedGPUDomain()
        let before = tree.state
        let refused = hook.run(domain: "web-server", operation: "prepare", subOperation: "begin", domainXML: xml)
        #expect(refused.exitCode == 1)
        #expect(
            refused.messages == [
                "domain 'web-server' refused: pci_0000_01_00_1 is assigned to domain 'audio-box' (running) [owned-by-other-domain]"
            ])
        #expect(kernel.writes.isEmpty && tree.state == before)

        // A record naming a device the other domain now holds: that one stays on vfio-pci.
        try tree.write("run/hostdev/qemu/web-server.devices", "0000:01:00.0 nvidia\n0000:01:00.1 snd_hda_intel\n")
        try kernel.bindByHand("0000:01:00.0", to: "vfio-pci")
        try kernel.bindByHand("0000:01:00.1", to: "vfio-pci")
        let released = hook.run(domain: "web-server", operation: "release", subOperation: "end", domainXML: xml)
        #expect(released.changed == ["pci_0000_01_00_0"])
        #expect(
            released.messages == [
                "domain 'web-server': pci_0000_01_00_1 left on vfio-pci: running domain 'audio-box' holds it "
                    + "(it bears no marker: its release does not give it back)",
                "domain 'web-server': pci_0000_01_00_1 kept in \(tree.root)/run/hostdev/qemu/web-server.devices "
                    + "for the next release",
            ])
        // The holder bears no marker, so its release will not run the hook: the device stays here.
        #expect(readFile(tree.root + "/run/hostdev/qemu/web-server.devices") == "0000:01:00.1 snd_hda_intel\n")
        #expect(readFile(tree.root + "/run/hostdev/qemu/audio-box.devices") == nil)

        // A marked holder's release runs the hook: the device is handed to its record.
        try tree.runningDomain("audio-box", hostdev: "0000:01:00.1", marked: true)
        let handed = hook.run(domain: "web-server", operation: "release", subOperation: "end", domainXML: xml)
        #expect(
            handed.messages == [
                "domain 'web-server': pci_0000_01_00_1 left on vfio-pci: running domain 'audio-box' holds it "
                    + "(its release gives it back)"
            ])
        #expect(readFile(tree.root + "/run/hostdev/qemu/audio-box.devices") == "0000:01:00.1 snd_hda_intel\n")
        #expect(readFile(tree.root + "/run/hostdev/qemu/web-server.devices") == nil)
        #expect(tree.driver(of: "0000:01:00.0") == "nvidia")
        #expect(tree.driver(of: "0000:01:00.1") == "vfio-pci")
        #expect(!kernel.writes.contains { $0.contains("0000:01:00.1") })
    }

    @Test func aDomainWithoutTheMarkerIsLeftAlone() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        let unmarked = Self.rootNVMeDomain.replacingOccurrences(of: "migratable=\"no\"", with: "")
            .replacingOccurrences(of: "hostdev:passthrough", with: "hostdev:other")
        let before = tree.state
        for (operation, sub) in [("prepare", "begin"), ("release", "end"), ("migrate", "begin")] {
            let result = Self.hook(["nvme-grab", operation, sub, "-"], root: tree.root, stdin: unmarked)
            #expect(result.status == 0 && result.stderr.isEmpty)
        }
        #expect(tree.state == before)
    }

    @Test func aMarkedDomainIsNotMigratedAndABindTheKernelRefusesIsUndone() throws {
        let inventory = try Self.sample.get()
        let tree = try FakeSysfs(mirroring: inventory)
        try tree.bindingAttributes(inventory)
        let xml = String(decoding: try Self.markedGPUDomain(), as: UTF8.self)
        let migrate = Self.hook(["web-server", "migrate", "begin", "-"], root: tree.root, stdin: xml)
        #expect(migrate.status == 1)
        #expect(migrate.stderr == "hostdev: domain 'web-server' is marked non-migratable: it has host devices\n")

        // Plain files, no kernel: the driver link never changes, so the bind is found not to have
        // happened, and what was written is written back.
        let result = Self.hook(["web-server", "prepare", "begin", "-"], root: tree.root, stdin: xml)
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix(
                "hostdev: domain 'web-server': pci_0000_01_00_0 did not bind to vfio-pci (its driver is now nvidia)\n"))
        #expect(readFile(tree.root + "/sys/bus/pci/devices/0000:01:00.0/driver_override") == "\n")
        #expect(readFile(tree.root + "/run/hostdev/qemu/web-server.devices") == nil)
    }
}
