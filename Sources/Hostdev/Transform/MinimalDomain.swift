import LibXML

/// The smallest domain libvirt accepts, built from vmCreate's `vmId`, `vmName`, `memSize` and `smp`
/// when no domain XML is given.
enum MinimalDomain {
    static func build(from request: VMCreateRequest, virtType: String) -> XMLDocument {
        let document = XMLDocument(rootName: "domain")
        let root = document.root
        root.setAttribute("type", virtType)
        let name = request.vmName ?? request.vmId.map { "vm-" + $0 } ?? "hostdev-vm"
        root.appendIndentedElement("name", text: name)
        if let uuid = request.vmId { root.appendIndentedElement("uuid", text: uuid) }
        root.appendIndentedElement("memory", attributes: [("unit", "MiB")], text: String(request.memSize ?? 1024))
        root.appendIndentedElement("vcpu", text: String(request.smp ?? 1))
        let os = root.appendIndentedElement("os")
        os.appendIndentedElement("type", text: "hvm")
        root.appendIndentedElement("devices")
        return document
    }
}
