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
        var domains: [HostDomain] = []
        for domain in try libvirt({ () throws(LibvirtError) in try connection.domains() }) {
            let (xml, active) = try libvirt { () throws(LibvirtError) in
                (try domain.xmlDescription(inactive: true), try domain.isActive())
            }
            let root = try parse(xml, from: domain.name).root
            domains.append(DomainRecordParser.record(from: root, isActive: active, xml: xml))
        }
        var facts = HostFacts()
        let capabilities = try libvirt { () throws(LibvirtError) in try connection.capabilitiesXML() }
        if let document = try? XMLDocument(parsing: capabilities, source: "capabilities"),
            let support = try? document.evaluateString("string(/capabilities/host/iommu/@support)"), !support.isEmpty
        {
            facts.libvirtIOMMUSupport = support == "yes"
        }
        return HostInventory(devices: devices, domains: domains, facts: facts, origin: uri)
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
