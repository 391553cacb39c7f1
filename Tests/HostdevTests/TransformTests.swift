import Hostdev
import LibXML
import Testing

@Suite("The transform, as a library call")
struct TransformTests {
    static let inventory = Result { try InventorySource.snapshot(path: Repository.sampleHost).load() }
    static let schema = Result { try RelaxNGSchema.libvirtDomain() }
    static let editsCheck = Result { try DomainSchemaCheck(scope: .edits) }

    static func request(_ json: String) throws -> VMCreateRequest {
        try VMCreateRequest.decode(Array(json.utf8), source: "params.json")
    }

    static func transform(
        _ domain: String?, _ json: String, includeGroup: Bool = false, inventory: HostInventory? = nil
    ) throws -> TransformResult {
        func run(_ options: TransformOptions) throws -> TransformResult {
            try PassthroughTransform.run(
                domainXML: domain.map { Array($0.utf8) }, source: "domain.xml", request: request(json),
                inventory: inventory ?? Self.inventory.get(), options: options)
        }
        let whole = try run(TransformOptions(includeGroup: includeGroup, schema: try schema.get()))
        // Every transform here also runs with the check of the elements written: same verdict, same bytes.
        let edits = try run(TransformOptions(includeGroup: includeGroup, schemaCheck: try editsCheck.get()))
        #expect(edits.xml == whole.xml)
        #expect(
            edits.diagnostics.filter { $0.severity == .error } == whole.diagnostics.filter { $0.severity == .error })
        return whole
    }

    static let gpu = #"[{"type":"hostdev","device":"pci_0000_01_00_0"},{"type":"hostdev","device":"pci_0000_01_00_1"}]"#

    @Test func emitsUnmanagedVFIOHostdevsAndTheMarker() throws {
        let result = try Self.transform(nil, Self.gpu)
        let xml = try #require(result.xmlString)
        #expect(xml.contains(#"<hostdev mode="subsystem" type="pci" managed="no">"#))
        #expect(xml.contains(#"<address domain="0x0000" bus="0x01" slot="0x00" function="0x1"/>"#))
        let document = try XMLDocument(parsing: xml)
        #expect(try Self.schema.get().validate(document).isEmpty)
        #expect(!Migratability(domain: document.root).isMigratable)
        #expect(MigrationMarker.isMarkedNonMigratable(document.root))
        #expect(result.report.added == ["pci_0000_01_00_0", "pci_0000_01_00_1"])
    }

    @Test func markerValidatesAgainstItsOwnSchema() throws {
        let xml = try #require(try Self.transform(nil, Self.gpu).xmlString)
        let marker = try #require(MigrationMarker.find(in: try XMLDocument(parsing: xml).root))
        let alone = try XMLDocument(parsing: marker.serialized())
        let schema = try RelaxNGSchema(contentsOf: Repository.root + "/Schemas/passthrough.rng")
        #expect(schema.validate(alone).isEmpty)
    }

    @Test func runningOnItsOwnOutputChangesNothing() throws {
        let first = try #require(try Self.transform(nil, Self.gpu).xmlString)
        let second = try Self.transform(first, Self.gpu)
        #expect(second.xmlString == first)
        #expect(!second.changed)
        #expect(second.report.kept == ["pci_0000_01_00_0", "pci_0000_01_00_1"])
    }

    @Test func aDomainWithoutRequestsComesBackByteForByte() throws {
        let domain = "<domain type='kvm'>\n  <name>x</name>\n  <!-- keep -->\n  <memory>1024</memory>\n</domain>"
        let result = try Self.transform(domain, "[]")
        #expect(result.xmlString == domain)
    }

    @Test func incompleteGroupIsRefusedNamingEveryMissingDevice() throws {
        let result = try Self.transform(nil, #"[{"type":"hostdev","device":"pci_0000_00_1f_3"}]"#)
        #expect(!result.succeeded)
        let error = try #require(result.diagnostics.first { $0.rule == IOMMUGroupCheck.rule })
        for missing in ["pci_0000_00_1f_0", "pci_0000_00_1f_4", "pci_0000_00_1f_5"] {
            #expect(error.message.contains(missing))
        }
        #expect(!error.message.contains("pci_0000_00_1f_3,"))
    }

    @Test func includeGroupCompletesTheGroupButNeverTakesWhatTheHostUses() throws {
        let completed = try Self.transform(
            nil, #"[{"type":"hostdev","device":"pci_0000_01_00_0"}]"#, includeGroup: true)
        #expect(completed.report.added == ["pci_0000_01_00_0", "pci_0000_01_00_1"])
        #expect(completed.report.addedForGroups == ["pci_0000_01_00_1": 1])
        let base = try Self.inventory.get()
        var facts = base.facts
        facts.hostUse = [try PCIAddress(sysfsName: "0000:01:00.1"): ["sound card of the host console"]]
        let used = HostInventory(devices: base.devices, domains: base.domains, facts: facts, origin: base.origin)
        let refused = try Self.transform(
            nil, #"[{"type":"hostdev","device":"pci_0000_01_00_0"}]"#, includeGroup: true, inventory: used)
        #expect(!refused.succeeded)
        #expect(
            refused.diagnostics.contains { $0.rule == "host-device-in-use" && $0.message.contains("pci_0000_01_00_1") })
    }

    @Test func placeholdersCompleteTheGroupWithoutReachingTheGuest() throws {
        let json =
            #"[{"type":"hostdev","device":"pci_0000_01_00_0"},{"type":"hostdev","device":"pci_0000_01_00_1","specParams":{"iommuPlaceholder":true}}]"#
        let result = try Self.transform(nil, json)
        let xml = try #require(result.xmlString)
        #expect(!xml.contains(#"function="0x1"/>"#))
        #expect(xml.contains(#"<hostdev:placeholder device="pci_0000_01_00_1"/>"#))
        #expect(result.report.placeholders == ["pci_0000_01_00_1"])
        // Placeholders recorded in the marker keep the group complete on later runs.
        #expect(try Self.transform(xml, "[]").xmlString == xml)
    }

    @Test func groupPeerOwnedByAnotherDomainSplitsTheGroup() throws {
        let base = try Self.inventory.get()
        let other = HostDomain(
            name: "audio-vm", uuid: nil, isActive: true,
            hostdevSources: [.pci(try PCIAddress(sysfsName: "0000:01:00.1"))], xml: "")
        let inventory = HostInventory(
            devices: base.devices, domains: base.domains + [other], facts: base.facts, origin: base.origin)
        let result = try Self.transform(nil, #"[{"type":"hostdev","device":"pci_0000_01_00_0"}]"#, inventory: inventory)
        #expect(result.diagnostics.contains { $0.rule == "iommu-group-split" && $0.message.contains("audio-vm") })
    }

    @Test func usbAndAPCIDomainOtherThanZero() throws {
        let json = #"[{"type":"hostdev","device":"usb_1_3"},{"type":"hostdev","device":"pci_0001_01_00_0"}]"#
        let xml = try #require(try Self.transform(nil, json).xmlString)
        #expect(xml.contains(#"<hostdev mode="subsystem" type="usb" managed="no">"#))
        #expect(xml.contains(#"<address bus="1" device="3"/>"#))
        #expect(xml.contains(#"<address domain="0x0001" bus="0x01" slot="0x00" function="0x0"/>"#))
    }

    @Test func bootOrderWithOSBootDevIsRefusedAtTheBootElement() throws {
        let domain =
            "<domain type='kvm'>\n  <name>x</name>\n  <memory>1024</memory>\n  <os>\n    <type>hvm</type>\n    <boot dev='hd'/>\n  </os>\n  <devices/>\n</domain>"
        let json = #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":1}]"#
        let result = try Self.transform(domain, json)
        let error = try #require(result.diagnostics.first { $0.rule == "boot-order-conflict" })
        #expect(error.line == 6 && error.column == 5 && error.file == "domain.xml")
    }

    @Test func aDevicePresentWithOtherSettingsIsRefused() throws {
        let first = try #require(
            try Self.transform(nil, #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":3}]"#).xmlString)
        let again = try Self.transform(first, #"[{"type":"hostdev","device":"pci_0000_02_00_0","bootOrder":1}]"#)
        #expect(
            again.diagnostics.contains {
                $0.rule == "conflicting-hostdev" && $0.message.contains("boot order 3, requested 1")
            })
    }

    @Test func requestingDevicesWithoutAHostIsAnError() {
        #expect(throws: TransformError.needsHost) {
            try PassthroughTransform.run(domainXML: nil, request: try Self.request(Self.gpu), inventory: nil)
        }
    }

    @Test func withoutRequestsNoHostIsNeededAndGroupChecksAreSkippedWithAWarning() throws {
        let xml = try #require(try Self.transform(nil, Self.gpu).xmlString)
        let result = try PassthroughTransform.run(
            domainXML: Array(xml.utf8), request: try Self.request("[]"), inventory: nil)
        #expect(result.xmlString == xml)
        #expect(result.diagnostics.contains { $0.severity == .warning && $0.rule == "host-required" })
    }

    @Test func notADomainIsAnInputError() {
        #expect(throws: TransformError.notADomain(root: "node", file: "domain.xml")) {
            try Self.transform("<node/>", "[]")
        }
    }
}

@Suite("vmCreate parameters")
struct VMCreateTests {
    @Test func readsBothDictionaryForms() throws {
        let request = try VMCreateRequest.decode(
            Array(
                #"{"vmId":"3c2f7a9e-5b1d-4f6a-8e2c-9d0b1a2c3e4f","memSize":"2048","smp":2,"devices":[{"type":"hostdev","device":"pci_0000_01_00_0","bootOrder":"2"},{"device":"hostdev","type":"hostdev","deviceName":"usb_1_3","alias":"ua-kbd"},{"type":"disk"}]}"#
                    .utf8))
        #expect(request.hostDevices.map(\.name.description) == ["pci_0000_01_00_0", "usb_1_3"])
        #expect(request.hostDevices[0].bootOrder == 2 && request.hostDevices[1].alias == "ua-kbd")
        #expect(request.memSize == 2048 && request.smp == 2)
        #expect(request.notes.contains { $0.message.contains("devices[2]: disk device passed over") })
    }

    @Test func reportsUnknownKeys() throws {
        let request = try VMCreateRequest.decode(Array(#"[{"type":"hostdev","device":"usb_1_3","colour":"red"}]"#.utf8))
        #expect(request.notes.contains { $0.severity == .warning && $0.message.contains("unknown key 'colour'") })
    }

    @Test(arguments: [
        ("{\"devices\": [", "not valid JSON"),
        ("42", "expected an object or an array"),
        ("{\"vmName\": \"x\"}", "\"devices\" array"),
        ("[{\"type\": \"hostdev\"}]", "no device name"),
        ("[{\"type\": \"hostdev\", \"device\": \"pci_../../etc/passwd\"}]", "not a libvirt node-device name"),
        ("[{\"type\": \"hostdev\", \"device\": \"usb_1_3\", \"alias\": \"gpu\"}]", "ua-"),
        ("[{\"type\": \"hostdev\", \"device\": \"usb_1_3\", \"bootOrder\": -1}]", "bootOrder"),
        (
            "[{\"type\": \"hostdev\", \"device\": \"pci_0000_01_00_0\", \"address\": {\"bus\": \"0x1ff\", \"slot\": \"0\", \"function\": \"0\"}}]",
            "out of range"
        ),
        ("{\"vmId\": \"not-a-uuid\", \"devices\": []}", "not a UUID"),
        ("[\"pci_0000_01_00_0\"]", "not a device dictionary"),
    ])
    func refusesBadParameters(json: String, expected: String) {
        #expect {
            try VMCreateRequest.decode(Array(json.utf8), source: "p.json")
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".hasPrefix("p.json:")
        }
    }

    @Test func refusesDeeplyNestedAndHugeJSON() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: VMCreateError.self) { try VMCreateRequest.decode(Array(deep.utf8)) }
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: VMCreateRequest.maxBytes + 1)
        #expect(throws: VMCreateError.self) { try VMCreateRequest.decode(huge) }
    }
}

@Suite("The transform: SCSI")
struct TransformSCSITests {
    @Test func scsiHostdevsAreWrittenAsVDSMWritesThem() throws {
        let result = try TransformTests.transform(
            nil, #"[{"type":"hostdev","device":"scsi_0_0_0_0"}]"#, inventory: VDSMHost.inventory.get())
        let xml = try #require(result.xmlString)
        #expect(xml.contains(#"<hostdev mode="subsystem" type="scsi" managed="no" rawio="yes">"#))
        #expect(xml.contains(#"<adapter name="scsi_host0"/>"#))
        #expect(xml.contains(#"<address bus="0" target="0" unit="0"/>"#))
    }
}
