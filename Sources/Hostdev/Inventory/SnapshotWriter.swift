import LibXML

/// Captures a host as a libvirt test-driver `<node>` file: every device and every domain, so the
/// host can be checked offline anywhere (`--snapshot FILE`, or `--connect test:///FILE`).
///
/// Every device is written as libvirt's test driver reads it, under the name it has; one that
/// cannot be (a capability whose required fields the source did not give) makes the whole snapshot
/// an error, never a file missing a device. Text XML cannot hold (control characters in a vendor
/// string) is replaced by U+FFFD and named in ``Snapshot/notes``.
public enum SnapshotWriter {
    /// A snapshot: the file's bytes and what was changed to write them.
    public struct Snapshot: Sendable {
        /// The `<node>` document.
        public var bytes: [UInt8]
        /// One line per text that had to be changed to be XML.
        public var notes: [String]
    }

    /// The snapshot of an inventory.
    public static func snapshot(of inventory: HostInventory) throws(InventoryError) -> Snapshot {
        let document = XMLDocument(rootName: "node")
        let root = document.root
        var writer = NodeDeviceWriter()
        for device in inventory.devices {
            // The test driver needs a system UUID on `computer`; a snapshot of a sysfs tree has none.
            if device.name == "computer" {
                let computer = root.appendIndentedElement("device")
                computer.appendIndentedElement("name", text: "computer")
                let hardware = computer.appendIndentedElement("capability", attributes: [("type", "system")])
                    .appendIndentedElement("hardware")
                hardware.appendIndentedElement("uuid", text: "00000000-0000-4000-8000-000000000000")
                continue
            }
            try writer.append(device, to: root)
        }
        for domain in inventory.domains {
            let parsed: XMLDocument
            do throws(XMLError) {
                parsed = try XMLDocument(parsing: domain.xml, source: domain.name)
            } catch {
                throw InventoryError(.malformed, "domain '\(domain.name)' cannot be written: \(error)")
            }
            let copy = root.appendIndentedCopy(of: parsed.root)
            let hasState = copy.elements.contains {
                $0.name == "runstate" && $0.namespaceURI == SnapshotSource.testNamespace
            }
            if !domain.isActive && !hasState {
                copy.appendIndentedElement("runstate", namespace: (SnapshotSource.testNamespace, "test"), text: "5")
            }
        }
        do throws(XMLError) {
            return Snapshot(bytes: try document.serialized(), notes: writer.notes)
        } catch {
            throw InventoryError(.malformed, "the snapshot cannot be serialized: \(error)")
        }
    }

    /// The snapshot of an inventory, as XML text.
    public static func xml(of inventory: HostInventory) throws(InventoryError) -> [UInt8] {
        try snapshot(of: inventory).bytes
    }
}
