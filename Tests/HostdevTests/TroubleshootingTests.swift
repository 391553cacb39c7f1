import Foundation
import Testing

@testable import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

@Suite("hostdev doctor on fake roots")
struct DoctorTests {
    static let sample = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }
    static let passwd = "root:x:0:0::/root:/bin/sh\nqemu:x:107:107::/:/sbin/nologin\n"
    static let group = "root:x:0:\nkvm:x:36:qemu\nqemu:x:107:\n"

    /// A healthy host: IOMMU on, interrupts remapped, the GPU's group bound to vfio-pci, nodes owned by qemu.
    static func healthy() throws -> FakeSysfs {
        var devices = try sample.get().devices
        for index in devices.indices where ["pci_0000_01_00_0", "pci_0000_01_00_1"].contains(devices[index].name) {
            devices[index].driver = "vfio-pci"
        }
        // The sample's one endpoint outside every group (for the not-assignable rule) gets one: a
        // healthy host has none.
        for index in devices.indices where devices[index].name == "pci_0000_00_16_0" {
            let members = devices[index].pci.map { [$0.address] } ?? []
            devices[index].pci?.iommuGroup = 30
            devices[index].pci?.iommuGroupMembers = members
        }
        let tree = try FakeSysfs(mirroring: HostInventory(devices: devices, domains: [], origin: "sample"))
        try tree.accounts(passwd: passwd, group: group)
        try tree.vfioNode(group: 1, uid: 107, gid: 107, mode: 0o600)
        try tree.write("proc/interrupts", " 24:  0  IR-PCI-MSI 524288-edge  vfio-msi[0](0000:01:00.0)\n")
        try tree.write("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n")
        return tree
    }

    static func doctor(_ tree: FakeSysfs, _ devices: [String] = ["pci_0000_01_00_0"]) -> CommandResult {
        HostdevBinary.run(["doctor"] + devices + ["--sysfs", tree.root])
    }

    @Test func aHealthyHostPasses() throws {
        let tree = try Self.healthy()
        let result = Self.doctor(tree)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains("[ERROR]") && !result.stdout.contains("[WARNING]"), "\(result.stdout)")
        Golden.check(result.stdout.replacingOccurrences(of: tree.root, with: "ROOT"), named: "doctor/healthy.text")
    }

    @Test func anEndpointOutsideEveryGroupIsAWarning() throws {
        let tree = try Self.healthy()
        // Its iommu_group link broken: the device is in no group the tree can read.
        let path = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:00:16.0"))
        #expect(unlink(tree.root + "/" + path + "/iommu_group") == 0)
        #expect(symlink("../../../../nowhere", tree.root + "/" + path + "/iommu_group") == 0)
        let result = Self.doctor(tree)
        #expect(result.stdout.contains("[WARNING] IOMMU groups"), "\(result.stdout)")
        #expect(result.stdout.contains("1 PCI endpoint(s) in none: pci_0000_00_16_0"), "\(result.stdout)")
    }

    @Test func noIOMMUOnTheCommandLine() throws {
        let tree = try Self.healthy()
        try tree.write("proc/cmdline", "BOOT_IMAGE=/vmlinuz ro quiet\n")
        // The groups show the IOMMU on without a flag (AMD-Vi is on by default); without an IOMMU
        // the missing flag is an error (HostChecksTests).
        let result = Self.doctor(tree)
        #expect(result.status == 0)
        #expect(result.stdout.contains("[OK] IOMMU on the kernel command line"))
        #expect(result.stdout.contains("the IOMMU is on without one"))
    }

    @Test func noIOMMURegistered() throws {
        let tree = try Self.healthy()
        try FileManager.default.removeItem(atPath: tree.root + "/sys/class/iommu/dmar0")
        let result = Self.doctor(tree)
        #expect(result.status == 1)
        #expect(result.stdout.contains("[ERROR] IOMMU registered"))
    }

    @Test func vfioNodeNotWritableByQEMU() throws {
        let tree = try Self.healthy()
        try tree.vfioNode(group: 1, uid: 0, gid: 0, mode: 0o600)
        let result = Self.doctor(tree)
        #expect(result.status == 1)
        #expect(result.stdout.contains("/dev/vfio/1 is root:root mode 0600"))
        #expect(result.stdout.contains("chown qemu /dev/vfio/1"))
        // Group membership counts: kvm (36) has qemu as a member.
        try tree.vfioNode(group: 1, uid: 0, gid: 36, mode: 0o660)
        #expect(Self.doctor(tree).status == 0)
    }

    @Test func groupNotViable() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try tree.accounts(passwd: Self.passwd, group: Self.group)
        let result = Self.doctor(tree, ["pci_0000_00_1f_3"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "not bound to vfio-pci: pci_0000_00_1f_3 (snd_hda_intel), pci_0000_00_1f_4 (i801_smbus), pci_0000_00_1f_5 (intel-spi)"
            ))
        #expect(
            result.stdout.contains(
                "fix: bind pci_0000_00_1f_3, pci_0000_00_1f_4, pci_0000_00_1f_5 to vfio-pci (or assign the whole group to the guest)\n    run: hostdev detach pci_0000_00_1f_3 pci_0000_00_1f_4 pci_0000_00_1f_5\n"
            ))
    }

    @Test func theHostsOwnDiskIsNotOfferedToDetachOnTheCommandLine() throws {
        let tree = try Self.healthy()
        try tree.blockDevice(
            "nvme0n1", partition: "nvme0n1p2", on: try PCIAddress(sysfsName: "0000:02:00.0"), mountedOn: "/")
        let result = Self.doctor(tree, ["pci_0000_02_00_0"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("[ERROR] pci_0000_02_00_0 [host-device-in-use]"), "\(result.stdout)")
        #expect(result.stdout.contains("fix: move what the host runs on pci_0000_02_00_0 elsewhere first"))
        #expect(!result.stdout.contains("hostdev detach pci_0000_02_00_0"), "\(result.stdout)")
    }

    @Test func aDeviceTheHostUsesIsNotOfferedToDetach() throws {
        let tree = try FakeSysfs(mirroring: try Self.sample.get())
        try tree.accounts(passwd: Self.passwd, group: Self.group)
        let sample = try Self.sample.get()
        var facts = sample.facts
        facts.hostUse = [try PCIAddress(sysfsName: "0000:00:1f.4"): ["the host's SMBus sensors"]]
        let inventory = HostInventory(devices: sample.devices, domains: sample.domains, facts: facts, origin: "test")
        let report = Doctor(inventory: inventory).run(devices: [try DeviceName("pci_0000_00_1f_4")])
        let hostUse = try #require(report.checks.first { $0.name == "pci_0000_00_1f_4 [host-device-in-use]" })
        #expect(hostUse.status == .error)
        #expect(hostUse.fixIt?.action == nil)
        #expect(hostUse.fixIt?.message.contains("move what the host runs on pci_0000_00_1f_4 elsewhere first") == true)
        let viable = try #require(report.checks.first { $0.name == "pci_0000_00_1f_4: IOMMU group 2 viable" })
        #expect(viable.fixIt?.message.contains("the host uses pci_0000_00_1f_4 (the host's SMBus sensors)") == true)
        #expect(viable.fixIt?.action == nil)
    }

    @Test func unsafeInterruptsAreAWarningNamingTheRisk() throws {
        let tree = try Self.healthy()
        try tree.write("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n")
        let result = Self.doctor(tree)
        #expect(result.status == 0)
        #expect(result.stdout.contains("[WARNING] allow_unsafe_interrupts"))
        #expect(result.stdout.contains("forge MSI interrupts"))
    }

    @Test func missingVFIO() throws {
        let tree = try Self.healthy()
        try FileManager.default.removeItem(atPath: tree.root + "/dev/vfio/vfio")
        try FileManager.default.removeItem(atPath: tree.root + "/sys/bus/pci/drivers/vfio-pci")
        let result = Self.doctor(tree, [])
        #expect(result.status == 1)
        #expect(result.stdout.contains("[ERROR] /dev/vfio/vfio") && result.stdout.contains("modprobe vfio-pci"))
    }

    @Test func twoOwnersAndASplitGroup() throws {
        let base = try Self.sample.get()
        let gpu = try PCIAddress(sysfsName: "0000:01:00.0")
        let audio = try PCIAddress(sysfsName: "0000:01:00.1")
        let domains =
            base.domains + [
                HostDomain(name: "a", uuid: nil, isActive: false, hostdevSources: [.pci(gpu)], xml: ""),
                HostDomain(name: "b", uuid: nil, isActive: false, hostdevSources: [.pci(gpu)], xml: ""),
                HostDomain(name: "c", uuid: nil, isActive: false, hostdevSources: [.pci(audio)], xml: ""),
            ]
        let inventory = HostInventory(devices: base.devices, domains: domains, facts: base.facts, origin: base.origin)
        let report = Doctor(inventory: inventory).run()
        #expect(report.hasErrors)
        #expect(
            report.checks.contains {
                $0.name == "pci_0000_01_00_0 [owned-by-other-domain]" && $0.status == .error
                    && $0.evidence == ["pci_0000_01_00_0 is owned by 'a' and 'b'"]
            })
        #expect(
            report.checks.contains {
                $0.name == "pci_0000_01_00_0 [iommu-group-split]"
                    && $0.evidence == [
                        "IOMMU group 1 is split: 'a' holds pci_0000_01_00_0; 'b' holds pci_0000_01_00_0; 'c' holds pci_0000_01_00_1"
                    ]
            })
    }

    @Test func everyProblemOfADeviceIsReported() throws {
        let base = try Self.sample.get()
        let nic = try PCIAddress(sysfsName: "0000:00:16.0")
        let domains = ["a", "b", "c"].map {
            HostDomain(name: $0, uuid: nil, isActive: false, hostdevSources: [.pci(nic)], xml: "")
        }
        let inventory = HostInventory(devices: base.devices, domains: domains, facts: base.facts, origin: base.origin)
        let checks = Doctor(inventory: inventory).run(devices: [.pci(nic)]).checks.filter {
            $0.name.hasPrefix("pci_0000_00_16_0")
        }
        #expect(
            checks.map(\.name) == ["pci_0000_00_16_0 [not-assignable]", "pci_0000_00_16_0 [owned-by-other-domain]"])
        #expect(checks.allSatisfy { $0.status == .error })
        #expect(checks[0].evidence[0].contains("no IOMMU group"))
        #expect(checks[1].evidence == ["pci_0000_00_16_0 is owned by 'a' and 'b' and 'c'"])
    }

    @Test func unknownDevicesAndBadNames() throws {
        let tree = try Self.healthy()
        #expect(Self.doctor(tree, ["pci_0000_09_00_0"]).status == 1)
        #expect(Self.doctor(tree, ["pci_../../etc"]).status == 2)
    }
}

@Suite("hostdev explain")
struct ExplainTests {
    static let logs = Repository.root + "/Tests/Fixtures/explain"

    @Test(arguments: ["permission-denied", "group-not-viable", "libvirt-errors"])
    func explainsWithTheSampleHost(log: String) {
        let result = HostdevBinary.run(["explain", Self.logs + "/\(log).log", "--snapshot", Repository.sampleHost])
        #expect(result.status == 0)
        Golden.check(
            result.stdout.replacingOccurrences(of: Repository.root, with: "REPO"), named: "explain/\(log).text")
    }

    @Test func namesTheNodeOwnerAndModeWithASysfsHost() throws {
        let tree = try DoctorTests.healthy()
        try tree.vfioNode(group: 1, uid: 0, gid: 0, mode: 0o600)
        let result = HostdevBinary.run(["explain", Self.logs + "/permission-denied.log", "--sysfs", tree.root])
        #expect(result.stdout.contains("host: /dev/vfio/1 is root:root mode 0600"))
    }

    @Test func recognisesEveryFamilyAndCountsTheRest() throws {
        let text = try String(contentsOfFile: Self.logs + "/libvirt-errors.log", encoding: .utf8)
        let report = LogExplainer().explain(Array(text.utf8))
        #expect(
            Set(report.explanations.map(\.failure)) == [
                "in-use-by-driver", "unmanaged-not-detached", "migration-refused", "vfio-unsupported", "no-such-device",
                "locked-memory",
            ])
        #expect(report.unrecognised == 2)
    }

    @Test func jsonAndStandardInput() {
        let result = HostdevBinary.run(["explain", "--format", "json"], stdin: "vfio: failed to get group 7\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"failure\" : \"failed-to-get-group\""))
        #expect(result.stdout.contains("IOMMU group 7"))
    }

    @Test func binaryAndHugeLinesNeverCrash() {
        var bytes: [UInt8] = [0xFF, 0xFE, 0, 0xC3, 0x28]
        bytes += Array(String(repeating: "x", count: 100_000).utf8) + [10]
        bytes += Array("group 3 is not viable\n".utf8)
        let report = LogExplainer().explain(bytes)
        #expect(report.explanations.map(\.failure) == ["group-not-viable"])
        #expect(report.unrecognised == 1)
    }

    @Test func carriageReturnsNULsAndUnicodeBlanksAreReadAsText() {
        let log =
            "\r\n\u{00A0}\u{2003}\n \t\n"
            + "vfio: error opening /dev/vfio/1\0\02: Permission denied\r\n"
            + "PCI device ‘0000:01:00.0’ is in use by driver QEMU, domain « vm1 »\n"
            + "Unmanaged PCI device 0000:01:00.1 must be manually detached from the host\n"
        let report = LogExplainer().explain(Array(log.utf8))
        #expect(report.linesRead == 6)
        // Line 4 names /dev/vfio/1 and then NULs: neither group 1 nor group 12 is what it says.
        #expect(report.unrecognised == 1)
        #expect(report.explanations.map(\.line) == [5, 6])
        #expect(!report.explanations.contains { $0.cause.contains("/dev/vfio/12") })
        #expect(report.explanations[0].failure == "in-use-by-driver")
        #expect(report.explanations[0].text.hasPrefix("PCI device ‘0000:01:00.0’"))
        #expect(report.explanations[1].action == .detach(devices: ["pci_0000_01_00_1"]))
    }

    @Test func linesAreCountedAsWcCountsThem() {
        #expect(LogExplainer().explain(Array("a\n".utf8)).linesRead == 1)
        #expect(LogExplainer().explain(Array("a\nb".utf8)).linesRead == 1)
        #expect(LogExplainer().explain([]).linesRead == 0)
        let unterminated = LogExplainer().explain(Array("x\nvfio: failed to get group 7".utf8))
        #expect(unterminated.explanations.map(\.line) == [2])
        let result = HostdevBinary.run(["explain"], stdin: "a\n")
        #expect(result.stdout.hasSuffix("0 lines explained, 1 not recognised (not guessed at), 1 read\n"))
    }

    /// Lines that repeat the words before a pattern's `.*`: searching for the pattern from every
    /// word read the rest of the line from each, 16 ms or more per line of 8 KB, so 12 000 such
    /// lines (96 MB) took minutes. Each is now matched in one pass over it.
    @Test func linesRepeatingTheWordsBeforeADotStarAreReadInOnePass() {
        withScratchDirectory("slow-log") { directory in
            let words = [
                "Device ", "VFIO_MAP_DMA ", "vfio_dma_map ", "Cannot migrate domain ",
                "/sys/bus/mdev/devices/4b20d080-1b54-4048-85b3-a6a62d165c01 ",
            ]
            var lines = words.map { String(repeating: $0, count: 8190 / $0.utf8.count) }
            lines.append(String(repeating: "Device ", count: 1160) + "no such device")
            let log = lines.map { "yes \(BoundedRun.quote($0)) | head -n 2000" }.joined(separator: "; ")
            BoundedRun.shell("(\(log)) > qemu.log", in: directory)
            let result = BoundedRun.hostdev(["explain", "qemu.log"], in: directory, seconds: 60, megabytes: 300)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout.hasSuffix("2000 lines explained, 10000 not recognised (not guessed at), 12000 read\n"),
                "\(result.stdout.suffix(200))")
        }
    }

    /// What the one-pass match recognises is what a search from every byte finds, with the same
    /// first capture, whatever locale the thread has set (the patterns read bytes).
    @Test func eachLineIsRecognisedAsASearchFromEveryByteRecognisesIt() throws {
        var lines: [[UInt8]] = []
        for log in ["group-not-viable", "libvirt-errors", "permission-denied", "vdsm-errors"] {
            let text = try String(contentsOfFile: Self.logs + "/\(log).log", encoding: .utf8)
            for line in text.split(separator: "\n") {
                let bytes = Array(line.utf8)
                lines += [
                    bytes, [0xFF, 0xC3, 0x28, 0x20] + bytes, bytes + [0x20, 0xFF], Array("é ".utf8) + bytes,
                    Array(String(repeating: "Device ", count: 50).utf8) + bytes, Array(bytes.dropFirst()),
                    Array(bytes.dropLast()),
                ]
            }
        }
        lines += [
            "Device x not found: could not access /sys/bus/pci/devices", "Device not found: could not access",
            "\u{FF}Device \u{FF} not found: could not access /sys/bus/pci/devices/0000:01:00.0",
            "VFIO_MAP_DMA: -12 Cannot allocate memory", "Cannot migrate domain: VFIO device doesn't support migration",
            "/sys/bus/mdev/devices/4b20d080-1b54-4048-85b3-a6a62d165c01/remove: No such file",
            "PCI device 0000:01:00.0 is in use by driver QEMU, PCI device 0000:02:00.0 is in use by driver QEMU",
            "group 3 is not viable, group 4 is not viable",
        ].map { Array($0.utf8) }
        let reference = KnownFailure.all.map { ExtendedRegex($0.pattern) }
        for line in lines.map({ $0 + [0] }) {
            let found = KnownFailure.first(matching: line)
            let searched = zip(KnownFailure.all, reference).lazy.compactMap { failure, regex in
                regex.firstMatch(in: line).map { (failure, $0) }
            }.first
            #expect(found?.failure.id == searched?.0.id, "\(String(decoding: line, as: UTF8.self))")
            if let found, let searched, found.failure.readsCapture {
                #expect(found.captured == (searched.1.count > 1 ? searched.1[1] : nil))
            }
        }
        // Compiled and matched while the thread's locale is UTF-8, where `.` matches no invalid byte.
        guard let utf8 = newlocale(1 << LC_CTYPE, "C.UTF-8", nil) else { return }
        defer { freelocale(utf8) }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        for (pattern, reference) in zip(KnownFailure.all.map(\.pattern), reference) {
            let regex = ExtendedRegex(pattern)
            for line in lines.map({ $0 + [0] }) {
                #expect(regex.matches(line) == reference.matches(line), "\(String(decoding: line, as: UTF8.self))")
                #expect(regex.firstMatch(in: line) == reference.firstMatch(in: line))
            }
        }
    }

    @Test func aMissingLogIsBadInput() {
        let result = HostdevBinary.run(["explain", "/nonexistent.log"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent.log"))
    }
}
