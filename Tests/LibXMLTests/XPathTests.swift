import LibXML
import Testing

@Suite("XPath")
struct XPathTests {
    let document: XMLDocument

    init() throws {
        document = try XMLDocument(
            parsing: """
                <domain xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
                  <devices>
                    <hostdev mode='subsystem' type='pci'/>
                    <hostdev mode='subsystem' type='usb'/>
                  </devices>
                  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>
                </domain>
                """)
    }

    @Test func selectsElementsAndAttributes() throws {
        let hostdevs = try document.select("/domain/devices/hostdev[@type='pci']")
        #expect(hostdevs.count == 1)
        #expect(try document.evaluateString("count(//hostdev)") == "2")
    }

    @Test func selectsRelativeToANode() throws {
        let devices = try #require(try document.select("/domain/devices").first)
        #expect(try document.select("hostdev", from: devices).count == 2)
    }

    @Test func registersNamespaces() throws {
        let args = try document.select(
            "//qemu:arg", namespaces: ["qemu": "http://libvirt.org/schemas/domain/qemu/1.0"])
        #expect(args.first?.attribute("value") == "-S")
    }

    @Test func invalidExpressionThrows() {
        #expect(throws: XMLError(.xpath, "")) { try document.select("//[") }
    }
}
