import Foundation
import Hostdev
import Testing

@Suite("hostdev list, end to end")
struct ListCommandTests {
    @Test func listsTheSampleHostThroughTheTestDriver() {
        let result = HostdevBinary.run(["list", "--connect", Repository.sampleHostURI, "--capability", "pci"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pci_0000_01_00_0"))
        #expect(!result.stdout.contains("usb_1_3"))
    }

    @Test func unknownDomainIsBadInput() {
        let result = HostdevBinary.run(["list", "--snapshot", Repository.sampleHost, "--domain", "nope"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no domain named 'nope'"))
    }

    @Test func unknownCapabilityIsAUsageErrorNamingTheKnownOnes() throws {
        let known = "known: " + DeviceListing.knownCapabilities.joined(separator: ", ")
        // Checked before the host is read: a root that does not exist is not the answer.
        for host in [["--snapshot", Repository.sampleHost], ["--sysfs", "/nonexistent/root"]] {
            let result = HostdevBinary.run(["list"] + host + ["--capability", "pci", "--capability", "bogus"])
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("unknown capability 'bogus'; " + known), "\(result.stderr)")
        }
        let inventory = try InventorySource.snapshot(path: Repository.sampleHost).load()
        #expect(throws: InventoryError.self) { try DeviceListing(inventory: inventory, capabilities: ["PCI"]) }
        #expect(DeviceListing.knownCapabilities.contains("mdev_types"))
    }

    @Test func missingSnapshotIsBadInput() {
        let result = HostdevBinary.run(["list", "--snapshot", "/nonexistent/host.xml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/host.xml"))
    }

    /// A snapshot whose devices contradict each other is bad input, named by file, line and
    /// devices: `list` showed a device under a name transform did not know, and transform added a
    /// device to complete an IOMMU group that device denies.
    @Test func aSnapshotWhoseDevicesContradictEachOtherIsBadInput() throws {
        let misnamed = SnapshotSourceTests.node([try SnapshotSourceTests.pci("0000:0b:00.0", named: "pci_0000_0a_00_0")]
        )
        let groups = SnapshotSourceTests.node([
            try SnapshotSourceTests.pci("0000:0a:00.0", group: 7, peers: ["0000:0b:00.0"]),
            try SnapshotSourceTests.pci("0000:0b:00.0", group: 8),
        ])
        try withScratchDirectory("contradictions") { directory in
            try "<domain type='kvm'><name>x</name></domain>\n".write(toFile: directory + "/domain.xml")
            try #"[{"type":"hostdev","device":"pci_0000_0a_00_0"}]"#.write(toFile: directory + "/params.json")
            for (host, message) in [
                (misnamed, "host.xml:3:1: device pci_0000_0a_00_0 is named for PCI address 0000:0a:00.0"),
                (groups, "host.xml:4:1: device pci_0000_0a_00_0 (line 3) lists pci_0000_0b_00_0 in IOMMU group 7"),
            ] {
                try host.write(toFile: directory + "/host.xml")
                for arguments in [
                    ["list"],
                    [
                        "transform", directory + "/domain.xml", "--vm-create", directory + "/params.json",
                        "--include-group", "--no-schema",
                    ],
                ] {
                    let result = HostdevBinary.run(arguments + ["--snapshot", directory + "/host.xml"])
                    #expect(result.status == 2, "\(arguments): \(result.stderr)")
                    #expect(result.stdout.isEmpty)
                    #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
                }
            }
        }
    }

    @Test func versionIsPrinted() {
        let result = HostdevBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "\(hostdevVersion)\n")
    }

    @Test func twoSourcesAreAUsageError() {
        let result = HostdevBinary.run(["list", "--snapshot", "a.xml", "--sysfs", "/"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("one of --connect, --sysfs, --snapshot"))
    }
}

@Suite("libvirt is loaded only when a connection is opened")
struct LazyLibvirtTests {
    @Test func theBinaryDoesNotLinkLibvirt() {
        let output = HostdevBinary.shell("ldd '\(HostdevBinary.path)'")
        #expect(output.contains("libxml2"))
        #expect(!output.contains("libvirt"))
    }

    @Test func offlineWorkNeverLoadsLibvirt() {
        let output = HostdevBinary.shell(
            "LD_DEBUG=files '\(HostdevBinary.path)' list --snapshot '\(Repository.sampleHost)' 2>&1 >/dev/null")
        #expect(!output.contains("libvirt.so"))
        let connected = HostdevBinary.shell(
            "LD_DEBUG=files '\(HostdevBinary.path)' list --connect '\(Repository.sampleHostURI)' 2>&1 >/dev/null")
        #expect(connected.contains("libvirt.so.0"))
    }
}

/// A host beyond PCI, as libvirt lists it: a virtio NIC and disk (behind `virtioN`), virtual
/// interfaces, an NVMe drive, a SCSI host with a target, a disk (udev serial) and a CD-ROM, a GPU's
/// DRM minors.
enum BeyondPCIHost {
    static let xml = InventorySourceTests.node(
        """
        <device><name>pci_0000_00_02_0</name><parent>computer</parent><capability type='pci'><class>0x010000</class>\
        <domain>0</domain><bus>0</bus><slot>2</slot><function>0</function><product id='0x1001'/><vendor id='0x1af4'/>\
        </capability></device>
        <device><name>pci_0000_00_03_0</name><parent>computer</parent><capability type='pci'><class>0x020000</class>\
        <domain>0</domain><bus>0</bus><slot>3</slot><function>0</function><product id='0x1000'/><vendor id='0x1af4'/>\
        </capability></device>
        <device><name>pci_0000_00_04_0</name><parent>computer</parent><capability type='pci'><class>0x010802</class>\
        <domain>0</domain><bus>0</bus><slot>4</slot><function>0</function><product id='0xa808'/><vendor id='0x144d'/>\
        </capability></device>
        <device><name>pci_0000_00_05_0</name><parent>computer</parent><capability type='pci'><class>0x010601</class>\
        <domain>0</domain><bus>0</bus><slot>5</slot><function>0</function><product id='0x2922'/><vendor id='0x8086'/>\
        </capability></device>
        <device><name>pci_0000_00_06_0</name><parent>computer</parent><capability type='pci'><class>0x030000</class>\
        <domain>0</domain><bus>0</bus><slot>6</slot><function>0</function><product id='0x1234'/><vendor id='0x10de'/>\
        </capability></device>
        <device><name>block_vda</name><parent>pci_0000_00_02_0</parent><capability type='storage'>\
        <block>/dev/vda</block><drive_type>disk</drive_type><vendor>0x1af4</vendor><size>274877906944</size>\
        <logical_block_size>512</logical_block_size><num_blocks>536870912</num_blocks></capability></device>
        <device><name>net_eth0_02_fc_00_00_00_01</name><parent>pci_0000_00_03_0</parent><capability type='net'>\
        <interface>eth0</interface><address>02:fc:00:00:00:01</address></capability></device>
        <device><name>net_lo_00_00_00_00_00_00</name><parent>computer</parent><capability type='net'>\
        <interface>lo</interface><address>00:00:00:00:00:00</address></capability></device>
        <device><name>net_ifb0_6e_aa_97_3b_26_a6</name><parent>computer</parent><capability type='net'>\
        <interface>ifb0</interface><address>6e:aa:97:3b:26:a6</address></capability></device>
        <device><name>block_nvme0n1_Samsung_SSD_980_S64DNX0T</name><parent>pci_0000_00_04_0</parent>\
        <capability type='storage'><block>/dev/nvme0n1</block><bus>nvme</bus><drive_type>disk</drive_type>\
        <model>Samsung SSD 980</model><vendor>0x144d</vendor><serial>Samsung SSD 980_S64DNX0T</serial>\
        <size>1000204886016</size><logical_block_size>512</logical_block_size><num_blocks>1953525168</num_blocks>\
        </capability></device>
        <device><name>scsi_host0</name><parent>pci_0000_00_05_0</parent><capability type='scsi_host'><host>0</host>\
        </capability></device>
        <device><name>scsi_target0_0_0</name><parent>scsi_host0</parent><capability type='scsi_target'>\
        <target>target0:0:0</target></capability></device>
        <device><name>scsi_0_0_0_0</name><parent>scsi_target0_0_0</parent><capability type='scsi'><host>0</host>\
        <bus>0</bus><target>0</target><lun>0</lun><type>disk</type></capability></device>
        <device><name>block_sda_ST1000DM010_Z9A1</name><parent>scsi_0_0_0_0</parent><capability type='storage'>\
        <block>/dev/sda</block><bus>ata</bus><drive_type>disk</drive_type><model>ST1000DM010</model>\
        <vendor>ATA</vendor><serial>ST1000DM010_Z9A1</serial><size>1000204886016</size>\
        <logical_block_size>512</logical_block_size><num_blocks>1953525168</num_blocks></capability></device>
        <device><name>scsi_target0_0_1</name><parent>scsi_host0</parent><capability type='scsi_target'>\
        <target>target0:0:1</target></capability></device>
        <device><name>scsi_0_0_1_0</name><parent>scsi_target0_0_1</parent><capability type='scsi'><host>0</host>\
        <bus>0</bus><target>1</target><lun>0</lun><type>cdrom</type></capability></device>
        <device><name>block_sr0</name><parent>scsi_0_0_1_0</parent><capability type='storage'><block>/dev/sr0</block>\
        <bus>ata</bus><drive_type>cdrom</drive_type><model>DVD-RW</model><vendor>HL-DT-ST</vendor>\
        <capability type='removable'><media_available>0</media_available><media_size>0</media_size></capability>\
        </capability></device>
        <device><name>usb_usb1</name><parent>pci_0000_00_06_0</parent><capability type='usb_device'><bus>1</bus>\
        <device>1</device><product id='0x0002'/><vendor id='0x1d6b'/></capability></device>
        <device><name>usb_1_0_1_0</name><parent>usb_usb1</parent><capability type='usb'><number>0</number>\
        <class>9</class><subclass>0</subclass><protocol>0</protocol></capability></device>
        <device><name>drm_card0</name><parent>pci_0000_00_06_0</parent><capability type='drm'><type>primary</type>\
        </capability></device>
        <device><name>drm_renderD128</name><parent>pci_0000_00_06_0</parent><capability type='drm'>\
        <type>render</type></capability></device>
        """)
}

@Suite("list, snapshot and libvirt agree beyond PCI")
struct BeyondPCITests {
    /// The host as a test-driver file and as a sysfs tree mirroring it, with loop and zram disks and
    /// a partition that libvirt does not list.
    static func host(_ body: (_ file: String, _ tree: FakeSysfs) throws -> Void) throws {
        try withScratchDirectory("beyond-pci") { directory in
            let file = directory + "/host.xml"
            try BeyondPCIHost.xml.write(toFile: file)
            let tree = try FakeSysfs(mirroring: try InventorySource.snapshot(path: file).load())
            for name in ["loop0", "zram0"] {
                try tree.write("sys/devices/virtual/block/\(name)/size", "0\n")
                try tree.link("sys/devices/virtual/block/\(name)", at: "sys/class/block/\(name)")
            }
            let vda = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:00:02.0")) + "/virtio2/block/vda"
            try tree.write(vda + "/vda1/partition", "1\n")
            try tree.link(vda + "/vda1", at: "sys/class/block/vda1")
            try body(file, tree)
        }
    }

    /// `list --format json` without drivers (libvirt's test driver drops them).
    static func listing(_ arguments: [String]) -> String {
        let result = HostdevBinary.run(["list", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n").filter { !$0.contains("\"driver\" :") }.joined(separator: "\n")
    }

    @Test func sysfsListsWhatLibvirtListsNamedAsLibvirtNamesIt() throws {
        try Self.host { file, tree in
            let fromLibvirt = Self.listing(["-c", "test://" + file])
            #expect(fromLibvirt.contains("\"block_vda\""))
            #expect(Self.listing(["--sysfs", tree.root]) == fromLibvirt)
            let inventory = try InventorySource.sysfs(root: tree.root).load()
            #expect(inventory.device(named: "net_eth0_02_fc_00_00_00_01")?.parent == "pci_0000_00_03_0")
            #expect(inventory.device(named: "net_lo_00_00_00_00_00_00")?.parent == "computer")
            #expect(inventory.device(named: "block_vda")?.parent == "pci_0000_00_02_0")
            #expect(inventory.device(named: "scsi_0_0_0_0")?.parent == "scsi_target0_0_0")
            #expect(!inventory.devices.contains { ["block_loop0", "block_zram0", "block_vda1"].contains($0.name) })
        }
    }

    @Test func aSnapshotOfTheTreeReopensInLibvirtsTestDriverWithTheSameNames() throws {
        try Self.host { _, tree in
            try withScratchDirectory("beyond-pci-snapshot") { directory in
                let snapshot = directory + "/snapshot.xml"
                let written = HostdevBinary.run(["snapshot", "--sysfs", tree.root, "-o", snapshot])
                #expect(written.status == 0, "\(written.stderr)")
                let names = try InventorySource.sysfs(root: tree.root).load().devices.map(\.name)
                let reopened = try InventorySource.libvirt(uri: "test://" + snapshot).load().devices.map(\.name)
                #expect(reopened == names)
                #expect(Self.listing(["-c", "test://" + snapshot]) == Self.listing(["--sysfs", tree.root]))
            }
        }
    }

    @Test func controlCharactersInDeviceStringsAreReplacedAndNamed() throws {
        let tree = try FakeSysfs(mirroring: try InventorySource.snapshot(path: Repository.sampleHost).load())
        try tree.write("usr/share/misc/usb.ids", "")
        let usb = try #require(
            try InventorySource.sysfs(root: tree.root).load().devices.first { $0.usb != nil && $0.name != "usb_usb1" })
        let kernelName = usb.name.dropFirst(4).replacingOccurrences(of: "_", with: "-")
        try tree.write("sys/bus/usb/devices/\(kernelName)/manufacturer", "Evil\u{1B}[2J\u{07}Corp\n")
        try withScratchDirectory("control") { directory in
            let snapshot = directory + "/snapshot.xml"
            let written = HostdevBinary.run(["snapshot", "--sysfs", tree.root, "-o", snapshot])
            #expect(written.status == 0, "\(written.stderr)")
            #expect(written.stderr.contains("holds characters XML cannot hold"))
            #expect(!written.stderr.contains("\u{1B}"))
            let reopened = try InventorySource.snapshot(path: snapshot).load()
            #expect(reopened.device(named: usb.name)?.usb?.vendorName == "Evil\u{FFFD}[2J\u{FFFD}Corp")
            #expect(throws: Never.self) { try InventorySource.libvirt(uri: "test://" + snapshot).load() }
        }
    }

    @Test func aDeviceASnapshotCannotWriteFaithfullyIsAnError() throws {
        try withScratchDirectory("unwritable") { directory in
            let input = directory + "/in.xml"
            try InventorySourceTests.node(
                "<device><name>css_0_0_ffff</name><parent>computer</parent><capability type='css'><cssid>0x0</cssid>"
                    + "<ssid>0x0</ssid><devno>0xffff</devno></capability></device>"
            ).write(toFile: input)
            let result = HostdevBinary.run(["snapshot", "--snapshot", input, "-o", directory + "/out.xml"])
            #expect(result.status == 3)
            #expect(result.stderr.contains("cannot write css_0_0_ffff as libvirt would read it"))
            #expect(access(directory + "/out.xml", F_OK) != 0)
        }
    }
}
