import Foundation
import Hostdev
import LibXML
import Testing

/// The transform of hostdev interfaces and mediated devices on the NFV and VDI host.
enum VDSMTransform {
    static func run(_ json: String, domain: String? = nil, inventory: HostInventory? = nil) throws -> TransformResult {
        try TransformTests.transform(domain, json, inventory: inventory ?? VDSMHost.inventory.get())
    }

    static func errors(_ result: TransformResult) -> String {
        result.diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }

    static func interface(
        _ device: String, mac: String = "52:54:00:12:34:56", vlan: String = "3", extra: String = ""
    ) -> String {
        #"{"type": "interface", "device": "hostdev", "hostdev": "\#(device)", "macAddr": "\#(mac)", "specParams": {"vlanid": \#(vlan)}\#(extra)}"#
    }

    static let sample = Repository.root + "/Samples/vmcreate/nfv-vf.json"
    static let vgpu = Repository.root + "/Samples/vmcreate/vgpu.json"

    static func file(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// `hostdev define --new` of a request on the host's test-driver file; the XML libvirt stored.
    static func define(_ request: String) throws -> String {
        try withScratchDirectory("vdsm-define") { directory in
            let host = try VDSMHost.testDriverFile(in: directory)
            let result = HostdevBinary.run([
                "define", "--new", "--vm-create", request, "--connect", "test://" + host, "--print-xml",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
    }
}

@Suite("The transform: SR-IOV VFs as <interface type='hostdev'>")
struct InterfaceTransformTests {
    @Test func aVFBecomesTheInterfaceVDSMWrites() throws {
        let result = try VDSMTransform.run(try VDSMTransform.file(VDSMTransform.sample))
        let xml = try #require(result.xmlString, "\(VDSMTransform.errors(result))")
        let expected = """
                <interface type="hostdev" managed="no">
                  <mac address="52:54:00:12:34:56"/>
                  <source>
                    <address type="pci" domain="0x0000" bus="0x03" slot="0x10" function="0x2"/>
                  </source>
                  <vlan>
                    <tag id="3"/>
                  </vlan>
                  <driver name="vfio"/>
                  <boot order="9"/>
                  <alias name="ua-vf0"/>
                  <address type="pci" domain="0x0000" bus="0x00" slot="0x09" function="0x0"/>
                </interface>
            """
        #expect(xml.contains(expected), "\(xml)")
        let document = try XMLDocument(parsing: xml)
        #expect(try TransformTests.schema.get().validate(document).isEmpty)
        #expect(!Migratability(domain: document.root).isMigratable)
        #expect(result.report.added == ["pci_0000_03_10_2"])
        let again = try VDSMTransform.run(try VDSMTransform.file(VDSMTransform.sample), domain: xml)
        #expect(again.succeeded && !again.changed, "\(VDSMTransform.errors(again))")
    }

    @Test func aPhysicalFunctionOrAPlainNICIsRefused() throws {
        let pf = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_00_0"))]")
        #expect(pf.xml == nil)
        #expect(VDSMTransform.errors(pf).contains("pci_0000_03_00_0 is an SR-IOV physical function"))
        #expect(VDSMTransform.errors(pf).contains("[interface-not-vf]"))
        let nic = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_04_00_0"))]")
        #expect(VDSMTransform.errors(nic).contains("pci_0000_04_00_0 is not an SR-IOV virtual function"))
        let usb = try VDSMTransform.run("[\(VDSMTransform.interface("scsi_0_0_0_0"))]")
        #expect(VDSMTransform.errors(usb).contains("scsi_0_0_0_0 is not a PCI device"))
    }

    @Test(arguments: [
        ("01:00:5e:00:00:01", "is a multicast address"), ("00:00:00:00:00:00", "is all zeros"),
        ("52:54:00:12:34", "is not six hex octets"),
    ])
    func anInvalidMACIsRefused(mac: String, message: String) throws {
        let result = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_2", mac: mac))]")
        #expect(result.xml == nil)
        #expect(VDSMTransform.errors(result).contains(message))
        #expect(VDSMTransform.errors(result).contains("[interface-mac-invalid]"))
    }

    @Test func aVLANOutsideTheRangeIsRefused() throws {
        let high = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_2", vlan: "4096"))]")
        #expect(VDSMTransform.errors(high).contains("VLAN '4096' is not from 0 to 4095"))
        let top = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_2", vlan: "4095"))]")
        #expect(top.succeeded, "\(VDSMTransform.errors(top))")
    }

    @Test func theRulesOfHostdevApply() throws {
        let owned = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_0"))]")
        #expect(VDSMTransform.errors(owned).contains("'nfv-router'"), "\(VDSMTransform.errors(owned))")
        let twice = try VDSMTransform.run(
            #"[{"type": "hostdev", "device": "pci_0000_03_10_2"}, \#(VDSMTransform.interface("pci_0000_03_10_2"))]"#)
        #expect(VDSMTransform.errors(twice).contains("assigned twice"), "\(VDSMTransform.errors(twice))")
        let missing = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_09_10_0"))]")
        #expect(VDSMTransform.errors(missing).contains("is not a device of"), "\(VDSMTransform.errors(missing))")
    }

    @Test func anIncompleteGroupIsRefused() throws {
        var devices = try VDSMHost.inventory.get().devices
        let vf = try PCIAddress(sysfsName: "0000:03:10.2")
        let peer = try PCIAddress(sysfsName: "0000:03:10.4")
        for index in devices.indices where [vf, peer].contains(devices[index].pci?.address) {
            devices[index].pci?.iommuGroup = 9
            devices[index].pci?.iommuGroupMembers = [vf, peer]
        }
        let base = try VDSMHost.inventory.get()
        let inventory = HostInventory(devices: devices, domains: base.domains, facts: base.facts, origin: base.origin)
        let result = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_2"))]", inventory: inventory)
        #expect(VDSMTransform.errors(result).contains("IOMMU group 9 is incomplete"), "\(VDSMTransform.errors(result))")
    }

    @Test func aVFWhoseInterfaceTheHostUsesIsRefused() throws {
        let tree = try FakeSysfs(mirroring: try VDSMHost.inventory.get())
        let vf = tree.pathOfPCI(try PCIAddress(sysfsName: "0000:03:10.2"))
        try tree.write(vf + "/net/eth5/address", "52:54:00:aa:bb:cc\n")
        try tree.link(vf, at: vf + "/net/eth5/device")
        try tree.link(vf + "/net/eth5", at: "sys/class/net/eth5")
        try tree.interface("eth5", up: true)
        let inventory = try InventorySource.sysfs(root: tree.root).load()
        let result = try VDSMTransform.run("[\(VDSMTransform.interface("pci_0000_03_10_2"))]", inventory: inventory)
        #expect(VDSMTransform.errors(result).contains("eth5 is up"), "\(VDSMTransform.errors(result))")
    }

    @Test func lintKnowsHostdevInterfaces() throws {
        try withScratchDirectory("vdsm-lint") { directory in
            let file = directory + "/pf-interface.xml"
            try """
            <domain type='kvm'>
              <name>vdsm-lint-pf</name>
              <memory unit='MiB'>1024</memory>
              <os><type arch='x86_64'>hvm</type></os>
              <devices>
                <interface type='hostdev' managed='no'>
                  <mac address='01:00:5e:00:00:01'/>
                  <source><address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source>
                  <vlan><tag id='3'/><tag id='4'/></vlan>
                </interface>
              </devices>
            </domain>
            """.write(toFile: file, atomically: false, encoding: .utf8)
            let result = HostdevBinary.run(["lint", file, "--snapshot", VDSMHost.path])
            #expect(result.status == 1)
            for id in ["interface-not-vf", "interface-mac-invalid", "interface-vlan-invalid"] {
                #expect(result.stdout.contains("[\(id)]"), "\(result.stdout)")
            }
        }
    }

    @Test func definesOnTheTestDriver() throws {
        let stored = try VDSMTransform.define(VDSMTransform.sample)
        #expect(stored.contains("<interface type='hostdev'") && stored.contains("<tag id='3'/>"), "\(stored)")
    }
}

@Suite("The transform: mediated devices (vGPU)")
struct MdevTransformTests {
    static func uuids(_ xml: String) throws -> [String] {
        try MdevHostdev.all(in: XMLDocument(parsing: xml).root).map { try #require($0.uuid) }
    }

    @Test func typesBecomeMdevHostdevsWithStableUUIDs() throws {
        let result = try VDSMTransform.run(try VDSMTransform.file(VDSMTransform.vgpu))
        let xml = try #require(result.xmlString, "\(VDSMTransform.errors(result))")
        #expect(xml.contains(#"<hostdev mode="subsystem" type="mdev" model="vfio-pci">"#))
        let uuids = try Self.uuids(xml)
        #expect(uuids.count == 2 && Set(uuids).count == 2)
        #expect(uuids.allSatisfy { $0.count == 36 && $0.split(separator: "-")[2].hasPrefix("5") })
        let document = try XMLDocument(parsing: xml)
        #expect(try TransformTests.schema.get().validate(document).isEmpty)
        #expect(!Migratability(domain: document.root).isMigratable)
        // Compact fills the first parent; separate goes to a parent without an instance of the type.
        let notes = result.diagnostics.filter { $0.rule == "mdev-not-created" }.map(\.description)
        #expect(notes.count == 2)
        #expect(notes.first?.contains("(nvidia-11) is to be created on pci_0000_81_00_0") == true)
        #expect(notes.last?.contains("(nvidia-11) is to be created on pci_0000_82_00_0") == true)
        // Same vmId and request, same UUIDs; a second run changes nothing.
        let twice = try VDSMTransform.run(try VDSMTransform.file(VDSMTransform.vgpu))
        #expect(try Self.uuids(try #require(twice.xmlString)) == uuids)
        let again = try VDSMTransform.run(try VDSMTransform.file(VDSMTransform.vgpu), domain: xml)
        #expect(again.succeeded && !again.changed, "\(VDSMTransform.errors(again))")
        let otherVM = try VDSMTransform.run(
            #"{"vmId": "11111111-2222-4333-8444-555555555555", "devices": [{"type": "mdev", "mdevType": "nvidia-11"}]}"#
        )
        #expect(try !Self.uuids(try #require(otherVM.xmlString)).contains(uuids[0]))
    }

    @Test func tooFewInstancesAreRefusedNamingTypeParentsAndWhatIsFree() throws {
        let one = #"{"type": "mdev", "mdevType": "nvidia-18"}"#
        let result = try VDSMTransform.run(
            #"{"vmId": "7e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c", "devices": [\#(one), \#(one), \#(one)]}"#)
        #expect(result.xml == nil)
        #expect(
            VDSMTransform.errors(result).contains(
                "too few instances of mdev type nvidia-18: pci_0000_81_00_0: holds another type; pci_0000_82_00_0: 0 free"
            ), "\(VDSMTransform.errors(result))")
        #expect(VDSMTransform.errors(result).contains("devices[2]"))
    }

    @Test func anInstanceAnotherDomainUsesIsRefused() throws {
        let result = try VDSMTransform.run(
            #"[{"type": "mdev", "mdevType": "nvidia-11", "uuid": "4b20d080-1b54-4048-85b3-a6a62d165c01"}]"#)
        #expect(VDSMTransform.errors(result).contains("is used by domain 'vdi-1'"), "\(VDSMTransform.errors(result))")
    }

    @Test func anExistingInstanceOfAnotherTypeIsRefused() throws {
        let base = try VDSMHost.inventory.get()
        let inventory = HostInventory(devices: base.devices, domains: [], facts: base.facts, origin: base.origin)
        let result = try VDSMTransform.run(
            #"[{"type": "mdev", "mdevType": "nvidia-18", "uuid": "4b20d080-1b54-4048-85b3-a6a62d165c01"}]"#,
            inventory: inventory)
        #expect(VDSMTransform.errors(result).contains("is of type nvidia-11, not the requested nvidia-18"))
    }

    @Test func withoutAVMIdTheUUIDCannotBeDerived() throws {
        let result = try VDSMTransform.run(#"[{"type": "mdev", "mdevType": "nvidia-11"}]"#)
        #expect(VDSMTransform.errors(result).contains("needs the vmId"), "\(VDSMTransform.errors(result))")
    }

    @Test(arguments: [
        (#"{"type": "mdev", "mdevType": "nvidia-11|wide"}"#, "is not compact or separate"),
        (#"{"type": "mdev", "mdevType": "nvidia-11|compact", "placement": "separate"}"#, "says compact but"),
        (#"{"type": "mdev", "mdevType": "nvidia-11", "uuid": "nope"}"#, "is not a UUID"),
        (#"{"type": "mdev"}"#, "has no \"mdevType\""),
        (#"{"type": "interface", "device": "hostdev", "hostdev": "pci_0000_03_10_2"}"#, "has no \"macAddr\""),
    ])
    func badRequestsAreBadInput(json: String, message: String) throws {
        #expect {
            try TransformTests.request("[\(json)]")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func theUUIDIsVersion5OfTheVMIdAndTheRequest() throws {
        let request = try TransformTests.request(
            #"{"vmId": "7e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c", "devices": [{"type": "mdev", "mdevType": "nvidia-11|separate"}]}"#
        )
        let entry = try #require(request.mediatedDevices.first)
        #expect(entry.placement == .separate && entry.type == "nvidia-11")
        let uuid = entry.instanceUUID(vmId: "7E4D3C2B-1A09-4F8E-9D7C-6B5A4F3E2D1C", among: request.mediatedDevices)
        #expect(
            uuid == entry.instanceUUID(vmId: "7e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c", among: request.mediatedDevices))
        #expect(Array(uuid)[14] == "5")
    }

    @Test func definesOnTheTestDriver() throws {
        #expect(try VDSMTransform.define(VDSMTransform.vgpu).contains("<hostdev mode='subsystem' type='mdev'"))
    }
}

@Suite("A device dictionary that may be a host device is never passed over as another device")
struct VMCreateDeviceTypeTests {
    @Test(arguments: [
        (#"{"device": "hostdev", "deviceName": "pci_0000_01_00_0"}"#, #"devices[0] has no "type""#),
        (#"{"type": "HostDev", "device": "pci_0000_01_00_0"}"#, "devices[0]: type 'HostDev' is not 'hostdev'"),
        (#"{"type": true, "device": "pci_0000_01_00_0"}"#, #"devices[0]: "type" is a boolean, not a string"#),
    ])
    func aMistypedDeviceIsBadInput(device: String, message: String) {
        #expect {
            try VMCreateRequest.decode(Array("[\(device)]".utf8), source: "vm.json")
        } throws: { "\($0)".contains(message) }
    }
}

@Suite("Notes about a request stay a few lines, however many distinct names it holds")
struct VMCreateNoteSummaryTests {
    @Test func distinctUnknownKeysAreCountedAfterTen() throws {
        var keys = ""
        for index in 0..<5000 { keys += ", \"k\(index)\": 1" }
        let request = try VMCreateRequest.decode(
            Array("[{\"type\": \"hostdev\", \"device\": \"pci_0000_01_00_0\"\(keys)}]".utf8), source: "vm.json")
        #expect(request.notes.count == 11)
        #expect(request.notes.last?.message.hasPrefix("4990 more like: devices[0]: unknown key") == true)
    }
}
