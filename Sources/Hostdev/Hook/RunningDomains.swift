import LibXML

/// The domains running on the host, from the status files libvirt keeps for them
/// (`/run/libvirt/qemu/NAME.xml`: `<domstatus>` around the live `<domain>`). A hook must not call
/// back into libvirt (the daemon waits for it), so this is how it learns who holds what.
enum RunningDomains {
    /// libvirt's QEMU status directory, relative to the root.
    static let directory = "run/libvirt/qemu"

    /// Every running domain but `excluding` (the one the hook runs for).
    static func read(root: String, excluding name: String) throws(HookFailure) -> [HostDomain] {
        try readMarking(root: root, excluding: name).domains
    }

    /// ``read(root:excluding:)``, with the names of the domains bearing the non-migratable marker
    /// (those whose release runs the hook).
    static func readMarking(root: String, excluding name: String) throws(HookFailure)
        -> (domains: [HostDomain], marked: Set<String>)
    {
        let tree = SysfsTree(root: root)
        let files: [String]
        do throws(InventoryError) {
            files = try tree.list(directory).filter { $0.hasSuffix(".xml") }
        } catch {
            throw HookFailure(error.description)
        }
        var domains: [HostDomain] = []
        var marked = Set<String>()
        for file in files {
            let path = tree.absolute(directory + "/" + file)
            let document: XMLDocument
            do throws(XMLError) {
                document = try XMLDocument(contentsOf: path)
            } catch {
                throw HookFailure("cannot read the running domain in \(error.description)")
            }
            let root = document.root
            guard let domain = root.name == "domain" ? root : root.firstElement(named: "domain") else {
                throw HookFailure("\(path): no <domain> in libvirt's status file")
            }
            let record = DomainRecordParser.record(from: domain, isActive: true, xml: "")
            guard record.name != name else { continue }
            domains.append(record)
            if MigrationMarker.isMarkedNonMigratable(domain) { marked.insert(record.name) }
        }
        return (domains, marked)
    }
}
