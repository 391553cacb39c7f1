import Hostdev
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("A snapshot is read one device at a time, with the errors of a whole read")
struct SnapshotSourceTests {
    static let device =
        "<device><name>usb_1_2</name><capability type='usb_device'><bus>1</bus><device>2</device>"
        + "</capability></device>"

    /// Loads `text` as a snapshot file.
    static func load(_ text: String) throws -> HostInventory {
        try withScratchDirectory("snapshot-source") { directory in
            let path = directory + "/host.xml"
            try text.write(toFile: path)
            return try InventorySource.snapshot(path: path).load()
        }
    }

    /// The error loading `text` gives.
    static func error(_ text: String) -> InventoryError? {
        do {
            _ = try load(text)
            return nil
        } catch {
            return error as? InventoryError
        }
    }

    @Test(arguments: [
        "<node xmlns='urn:example'>\(device)</node>",
        "<t:node xmlns:t='http://libvirt.org/schemas/domain/test/1.0'>\(device)</t:node>",
    ])
    func aRootNodeInANamespaceIsNotATestDriverFile(text: String) throws {
        let error = try #require(Self.error(text))
        #expect(error.code == .malformed)
        #expect(error.reason.contains("expected a test-driver <node> file") && error.reason.contains("xmlns"))
        #expect(error.line == 1 && error.column == 1)
    }

    @Test func anotherRootIsRefusedBeforeItsChildrenAreRead() throws {
        // The child would be an error of its own; the root's comes first.
        let error = try #require(Self.error("<domain>\n  <device><name>bad/name</name></device>\n</domain>"))
        #expect(error.reason == "expected a test-driver <node> file, found <domain>")
        #expect(error.line == 1)
    }

    @Test func theDocumentsXMLErrorComesBeforeADevicesError() throws {
        let text = "<node>\n  <device><name>bad/name</name></device>\n  \(Self.device)\n  <device>\n</node>\n"
        let error = try #require(Self.error(text))
        #expect(error.line == 5, "\(error)")
        #expect(!error.reason.contains("bad/name"))
    }

    @Test func theFirstBadDeviceIsTheOneReported() throws {
        let text =
            "<node>\n  \(Self.device)\n  <!-- c -->\n  \(Self.device)\n  <device><name>x/y</name></device>\n</node>"
        let error = try #require(Self.error(text))
        #expect(error.reason == "device usb_1_2 is listed twice")
        #expect(error.line == 4 && error.column == 3)
    }

    @Test func devicesAndDomainsAroundCommentsAndTextAreAllRead() throws {
        let domain =
            "<domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'><name>off</name>"
            + "<test:runstate>5</test:runstate></domain>"
        let second = Self.device.replacingOccurrences("usb_1_2", "usb_1_3")
            .replacingOccurrences("<device>2</device>", "<device>3</device>")
        let inventory = try Self.load(
            "<?xml version='1.0'?>\n<!-- host -->\n<node>text\(Self.device)<!-- between -->\(domain)\n\(second)</node>\n"
        )
        #expect(inventory.devices.map(\.name) == ["usb_1_2", "usb_1_3"])
        #expect(inventory.domains.map(\.name) == ["off"])
        #expect(inventory.domains.first?.isActive == false)
        #expect(
            inventory.domains.first?.xml
                == "<domain xmlns:test=\"http://libvirt.org/schemas/domain/test/1.0\" type=\"test\"><name>off</name>"
                + "<test:runstate>5</test:runstate></domain>")
    }
}
