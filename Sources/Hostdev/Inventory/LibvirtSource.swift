import LibXML
import Libvirt

/// Builds the inventory from a libvirt connection: node devices and domains over the API.
enum LibvirtSource {
    static func load(connection: Connection) throws(InventoryError) -> HostInventory {
        let uri = try libvirt { () throws(LibvirtError) in try connection.uri }
        var devices: [HostDevice] = []
        for device in try libvirt({ () throws(LibvirtError) in try connection.nodeDevices() }) {
            let xml = try libvirt { () throws(LibvirtError) in try device.xmlDescription() }
            devices.append(try NodeDeviceParser.parse(parse(xml, from: device.name).root, file: device.name))
        }
        try HostInventory.refuseContradictions(in: devices, origin: uri)
        var domains: [HostDomain] = []
        for domain in try libvirt({ () throws(LibvirtError) in try connection.domains() }) {
            let (xml, active) = try libvirt { () throws(LibvirtError) in
                (try domain.xmlDescription(inactive: true), try domain.isActive())
            }
            let root = try parse(xml, from: domain.name).root
            domains.append(DomainRecordParser.record(from: root, isActive: active, xml: xml))
        }
        return HostInventory(devices: devices, domains: domains, facts: try facts(connection, uri: uri), origin: uri)
    }

    /// What libvirt says of the host itself. The test driver describes no real host (its
    /// capabilities carry whatever machine runs it), so it says nothing; the local system QEMU
    /// driver's configuration is this machine's `/etc/libvirt/qemu.conf`.
    private static func facts(_ connection: Connection, uri: String) throws(InventoryError) -> HostFacts {
        var facts = HostFacts()
        guard !uri.hasPrefix("test:") else { return facts }
        let capabilities = try libvirt { () throws(LibvirtError) in try connection.capabilitiesXML() }
        let document = try parse(capabilities, from: "the host capabilities")
        let support: String
        do throws(XMLError) {
            support = try document.evaluateString("string(/capabilities/host/iommu/@support)")
        } catch {
            throw InventoryError(.malformed, "libvirt's host capabilities: \(error)")
        }
        if !support.isEmpty { facts.libvirtIOMMUSupport = support == "yes" }
        if uri == "qemu:///system" {
            facts.configuredQEMUUser = try SysfsFacts.qemuUser(tree: SysfsTree(root: "/"))
        }
        return facts
    }

    /// Runs libvirt calls, turning their errors into inventory errors.
    static func libvirt<T>(_ body: () throws(LibvirtError) -> T) throws(InventoryError) -> T {
        do throws(LibvirtError) {
            return try body()
        } catch {
            throw InventoryError(error.code == .noSupport ? .unsupported : .libvirt, error.description)
        }
    }

    private static func parse(_ xml: String, from name: String) throws(InventoryError) -> XMLDocument {
        do throws(XMLError) {
            return try XMLDocument(parsing: xml, source: name)
        } catch {
            throw InventoryError(.malformed, "libvirt returned unreadable XML for \(name): \(error)")
        }
    }
}
