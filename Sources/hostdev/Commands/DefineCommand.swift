import ArgumentParser
import Hostdev
import LibXML
import Libvirt

/// `hostdev define`: the transform, then `virDomainDefineXMLFlags` with validation.
struct DefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define",
        abstract: "Transform a domain, then define it in libvirt (with libvirt's schema validation).",
        discussion: """
            The same checks as 'transform', against the host of --connect URI, then \
            virDomainDefineXMLFlags(VIR_DOMAIN_DEFINE_VALIDATE). Prints the domain's name and UUID, and \
            with --print-xml the XML libvirt stored.
            """)

    @OptionGroup var arguments: TransformArguments

    @Flag(name: .customLong("print-xml"), help: "Print the domain XML libvirt stored after defining it.")
    var printXML = false

    func validate() throws {
        if arguments.host.sysfs != nil || arguments.host.snapshot != nil {
            throw ValidationError("define needs a libvirt connection: pass --connect URI")
        }
    }

    func run() throws {
        try reportingFailures {
            let connection: Connection
            do throws(LibvirtError) {
                connection = try Connection(uri: arguments.host.connect)
            } catch {
                throw CommandFailure.host(error.description)
            }
            let result = try arguments.run(virtType: DomainTypes.preferred(on: connection))
            guard let xml = result.xmlString else { return }
            let stored: String?
            do throws(LibvirtError) {
                let domain = try connection.defineDomain(xml: xml, validate: true)
                print("defined \(domain.name) \(try domain.uuid())")
                stored = printXML ? try domain.xmlDescription(inactive: true) : nil
            } catch {
                throw CommandFailure.host(error.description)
            }
            if let stored { try StandardOutput.write(stored) }
        }
    }
}

/// The domain type to give a domain built from vmCreate parameters: `kvm` where the driver offers
/// it, otherwise the first type the driver's capabilities list (`test` on the test driver).
enum DomainTypes {
    static func preferred(on connection: Connection) -> String {
        guard let capabilities = try? connection.capabilitiesXML(),
            let document = try? XMLDocument(parsing: capabilities, source: "capabilities"),
            let domains = try? document.select("/capabilities/guest/arch/domain")
        else { return "kvm" }
        let types = domains.compactMap { $0.attribute("type") }
        return types.contains("kvm") ? "kvm" : types.first ?? "kvm"
    }
}
