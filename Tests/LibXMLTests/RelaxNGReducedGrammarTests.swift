import LibXML
import Testing

@Suite("A RELAX NG grammar reduced to what some elements reach, from libvirt's installed schema")
struct RelaxNGReducedGrammarTests {
    static let grammar = Result {
        try RelaxNGReducedGrammar(contentsOf: RelaxNGSchema.libvirtSchemaDirectory + "/domain.rng")
    }
    static let full = Result { try RelaxNGSchema.libvirtDomain() }

    static let hostdevNames: Set<String> = ["hostdev", "driver", "source", "address", "boot", "alias"]

    static func element(_ text: String) throws -> XMLNode { try XMLDocument(parsing: text).root }

    @Test func aHostdevGrammarHoldsFarFewerDefinesThanTheWholeSchema() throws {
        let text = String(
            decoding: try Self.grammar.get().text(start: ["hostdev"], elementNames: Self.hostdevNames), as: UTF8.self)
        let defines = text.split(separator: "<define").count - 1
        #expect(defines > 20 && defines < 120, "\(defines) defines")
        #expect(!text.contains(#"<define name="disk""#))
    }

    @Test(arguments: [
        (
            "<hostdev mode='subsystem' type='pci' managed='no'><driver name='vfio'/><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><boot order='2'/><alias name='ua-gpu'/></hostdev>",
            true
        ),
        (
            "<hostdev mode='subsystem' type='pci' managed='maybe'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>",
            false
        ),
        (
            "<hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><alias name='has space'/></hostdev>",
            false
        ),
        (
            "<hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source><boot order='0'/></hostdev>",
            false
        ),
        (
            "<hostdev mode='subsystem' type='usb' managed='no'><source><address bus='1' device='2'/></source></hostdev>",
            true
        ),
    ])
    func agreesWithTheWholeSchemaOnAHostdev(hostdev: String, valid: Bool) throws {
        let reduced = try Self.grammar.get().schema(start: ["hostdev"], elementNames: Self.hostdevNames)
        #expect(reduced.validate(element: try Self.element(hostdev)).isEmpty == valid)
        let domain =
            "<domain type='kvm'><name>vm</name><memory>1048576</memory><os><type>hvm</type></os><devices>"
            + hostdev + "</devices></domain>"
        #expect(try Self.full.get().validate(XMLDocument(parsing: domain)).isEmpty == valid)
    }

    @Test func aDefineOfOneElementNotCheckedBecomesNotAllowed() throws {
        let grammar = try Self.grammar.get()
        #expect(grammar.elementName(ofDefine: "hostdev") == "hostdev")
        #expect(grammar.elementName(ofDefine: "hostdevsubsys") == nil)
        let devices = try grammar.schema(start: ["devices"], elementNames: Self.hostdevNames.union(["devices"]))
        let withHostdev = try Self.element(
            "<devices><hostdev mode='subsystem' type='pci' managed='no'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev></devices>"
        )
        #expect(devices.validate(element: withHostdev).isEmpty)
        // A disk was not among the names: the grammar has no disk, so a disk is refused, never passed.
        let withDisk = try Self.element("<devices><disk type='file' device='disk'><target dev='vda'/></disk></devices>")
        #expect(!devices.validate(element: withDisk).isEmpty)
    }

    @Test func combinedDefinesKeepEveryPart() throws {
        // storageStartupPolicy is notAllowed in storagecommon.rng and combined with a choice in
        // domainoverrides.rng; losing the second part would refuse startupPolicy on a disk source.
        let text = String(
            decoding: try Self.grammar.get().text(start: ["disk"], elementNames: ["disk", "source", "target"]),
            as: UTF8.self)
        let parts = text.split(separator: "<define").filter {
            $0.prefix { $0 != ">" }.contains(#"name="storageStartupPolicy""#)
        }
        #expect(parts.count == 2)
        let disk = try Self.element(
            "<disk type='file' device='cdrom'><source file='/x.iso' startupPolicy='optional'/><target dev='hdc'/></disk>"
        )
        let reduced = try Self.grammar.get().schema(start: ["disk"], elementNames: ["disk", "source", "target"])
        #expect(reduced.validate(element: disk).isEmpty)
    }

    @Test func anUnknownDefineIsAnError() throws {
        #expect(throws: XMLError.self) { try Self.grammar.get().text(start: ["nosuchdefine"], elementNames: []) }
    }
}
