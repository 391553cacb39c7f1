import Hostdev
import LibXML
import Testing

@Suite("The schema check of the elements written gives the verdicts of the whole-domain check")
struct DomainSchemaCheckTests {
    static let whole = Result { try DomainSchemaCheck(scope: .whole) }
    static let edits = Result { try DomainSchemaCheck(scope: .edits) }

    static let domain = """
        <domain type='kvm'>
          <name>vm</name>
          <memory>1048576</memory>
          <os><type>hvm</type></os>
          <devices>
            <hostdev mode='subsystem' type='pci' managed='no'>
              <source><address domain='0x0000' bus='0x02' slot='0x00' function='0x0'/></source>
            </hostdev>
            <memballoon model='virtio'/>
          </devices>
        </domain>
        """
    static let invalidDomain = domain.replacingOccurrences("<memory>1048576", "<memory>lots")
    static let noDevices =
        "<domain type='kvm'>\n  <name>vm</name>\n  <memory>1048576</memory>\n  <os><type>hvm</type></os>\n</domain>"

    static func hostdev(managed: String = "no", extra: String = "") -> String {
        "<hostdev mode='subsystem' type='pci' managed='\(managed)'><driver name='vfio'/><source><address domain='0x0000' "
            + "bus='0x01' slot='0x00' function='0x0'/></source>\(extra)</hostdev>"
    }

    /// An edit: where (an element name, first match; `domain` for the root) and what to add, or an
    /// attribute to set in place.
    enum Edit: Sendable, CustomStringConvertible {
        case append(into: String, xml: String)
        case setAttribute(on: String, name: String, value: String)

        var description: String {
            switch self {
            case .append(let into, let xml): "append to <\(into)>: \(xml)"
            case .setAttribute(let on, let name, let value): "set \(name)='\(value)' on <\(on)>"
            }
        }
    }

    static func apply(_ edits: [Edit], to document: XMLDocument) throws {
        func find(_ name: String) throws -> XMLNode {
            let root = document.root
            if name == "domain" { return root }
            return try #require(try document.select("//\(name)").first)
        }
        for edit in edits {
            switch edit {
            case .append(let into, let xml):
                try find(into).appendIndentedCopy(of: try XMLDocument(parsing: xml).root)
            case .setAttribute(let on, let name, let value):
                try find(on).setAttribute(name, value)
            }
        }
    }

    /// Runs one check as the transform does: the input before the edit, the result after it.
    static func verdict(_ check: DomainSchemaCheck, _ domain: String, _ edits: [Edit]) throws -> [Diagnostic] {
        let document = try XMLDocument(parsing: domain, source: "domain.xml")
        let input = check.checkInput(document)
        try apply(edits, to: document)
        guard input.checkResult else { return input.findings }
        return input.findings + check.checkResult(document, input: Array(domain.utf8))
    }

    static let cases: [(String, [Edit], Bool)] = [
        ("a valid hostdev", [.append(into: "devices", xml: hostdev())], true),
        (
            "a hostdev with boot and alias",
            [.append(into: "devices", xml: hostdev(extra: "<boot order='1'/><alias name='ua-x'/>"))], true
        ),
        ("managed='maybe'", [.append(into: "devices", xml: hostdev(managed: "maybe"))], false),
        ("an alias with a space", [.append(into: "devices", xml: hostdev(extra: "<alias name='a b'/>"))], false),
        ("boot order 0", [.append(into: "devices", xml: hostdev(extra: "<boot order='0'/>"))], false),
        ("a second memballoon", [.append(into: "devices", xml: "<memballoon model='virtio'/>")], false),
        (
            "a second metadata",
            [.append(into: "domain", xml: "<metadata/>"), .append(into: "domain", xml: "<metadata/>")], false
        ),
        (
            "the marker",
            [
                .append(
                    into: "domain",
                    xml:
                        "<metadata><h:passthrough xmlns:h='https://hostdev.dev/xmlns/passthrough/1.0' migratable='no'/></metadata>"
                )
            ], true
        ),
        (
            "an existing hostdev made managed='maybe' in place",
            [.setAttribute(on: "hostdev", name: "managed", value: "maybe")], false
        ),
        ("the domain's type changed in place", [.setAttribute(on: "domain", name: "type", value: "bogus")], false),
        ("an unknown element in a hostdev", [.append(into: "hostdev", xml: "<bogus/>")], false),
        (
            "an interface of type hostdev",
            [
                .append(
                    into: "devices",
                    xml:
                        "<interface type='hostdev' managed='no'><source><address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></interface>"
                )
            ], true
        ),
    ]

    @Test(arguments: cases)
    func sameVerdictAsTheWholeCheck(name: String, edits: [Edit], valid: Bool) throws {
        let whole = try Self.verdict(try Self.whole.get(), Self.domain, edits)
        let reduced = try Self.verdict(try Self.edits.get(), Self.domain, edits)
        #expect(whole.isEmpty == valid, "\(name): \(whole)")
        #expect(reduced == whole, "\(name)")
    }

    @Test func aNewDevicesElementHoldingHostdevsIsCheckedWhole() throws {
        for (hostdev, valid) in [(Self.hostdev(), true), (Self.hostdev(managed: "maybe"), false)] {
            let edits: [Edit] = [.append(into: "domain", xml: "<devices>" + hostdev + "</devices>")]
            let whole = try Self.verdict(try Self.whole.get(), Self.noDevices, edits)
            #expect(whole.isEmpty == valid)
            #expect(try Self.verdict(try Self.edits.get(), Self.noDevices, edits) == whole)
        }
    }

    @Test func anInvalidInputWithInvalidAdditionsIsReportedAsTheWholeCheckDoes() throws {
        let edits: [Edit] = [.append(into: "devices", xml: Self.hostdev(managed: "maybe"))]
        let whole = try Self.verdict(try Self.whole.get(), Self.invalidDomain, edits)
        #expect(whole.map(\.severity) == [.warning])
        #expect(try Self.verdict(try Self.edits.get(), Self.invalidDomain, edits) == whole)
    }

    @Test func anInvalidInputWithValidAdditionsIsNotReportedByTheEditsCheck() throws {
        let edits: [Edit] = [.append(into: "devices", xml: Self.hostdev())]
        #expect(try Self.verdict(try Self.whole.get(), Self.invalidDomain, edits).map(\.severity) == [.warning])
        #expect(try Self.verdict(try Self.edits.get(), Self.invalidDomain, edits).isEmpty)
    }

    @Test func theWholeGrammarIsCompiledOnlyWhenTheElementsWrittenFail() throws {
        let check = try DomainSchemaCheck(scope: .edits)
        _ = try Self.verdict(check, Self.domain, [.append(into: "devices", xml: Self.hostdev())])
        #expect(!check.hasCompiledWholeGrammar)
        _ = try Self.verdict(check, Self.domain, [.append(into: "devices", xml: Self.hostdev(managed: "maybe"))])
        #expect(check.hasCompiledWholeGrammar)
    }

    @Test func inputFromLibvirtIsNeverChecked() throws {
        let check = try DomainSchemaCheck(scope: .edits, inputIsLibvirtOutput: true)
        let edits: [Edit] = [.append(into: "devices", xml: Self.hostdev(managed: "maybe"))]
        let findings = try Self.verdict(check, Self.invalidDomain, edits)
        #expect(findings.map(\.severity).allSatisfy { $0 == .error } && !findings.isEmpty)
    }

    @Test func aMissingSchemaDirectoryIsAnError() {
        #expect(throws: XMLError.self) { try DomainSchemaCheck(directory: "/nonexistent/schemas") }
    }
}
