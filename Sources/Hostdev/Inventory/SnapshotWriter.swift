import LibXML

/// Captures a host as a libvirt test-driver `<node>` file: every device and every domain, so the
/// host can be checked offline anywhere (`--snapshot FILE`, or `--connect test:///FILE`).
public enum SnapshotWriter {
    /// The snapshot of an inventory, as XML text.
    public static func xml(of inventory: HostInventory) -> [UInt8] {
        let document = XMLDocument(rootName: "node")
        let root = document.root
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
            NodeDeviceWriter.append(device, to: root)
        }
        for domain in inventory.domains {
            guard let parsed = try? XMLDocument(parsing: domain.xml, source: domain.name) else { continue }
            let copy = root.appendIndentedCopy(of: parsed.root)
            let hasState = copy.elements.contains {
                $0.name == "runstate" && $0.namespaceURI == SnapshotSource.testNamespace
            }
            if !domain.isActive && !hasState {
                copy.appendIndentedElement("runstate", namespace: (SnapshotSource.testNamespace, "test"), text: "5")
            }
        }
        return (try? document.serialized()) ?? []
    }

    /// Writes the snapshot atomically.
    public static func write(_ inventory: HostInventory, to path: String) throws(AtomicFile.WriteError) {
        try AtomicFile.write(xml(of: inventory), to: path)
    }
}
