import ArgumentParser
import Hostdev

/// `hostdev define`: the transform, then `virDomainDefineXMLFlags` with validation.
struct DefineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define",
        abstract: "Transform a domain, then define it in libvirt (with libvirt's schema validation).",
        discussion: """
            The same rules as 'transform' and 'lint', against the host of --connect URI, then \
            virDomainDefineXMLFlags(VIR_DOMAIN_DEFINE_VALIDATE). Says 'defined NAME UUID' on stderr; \
            with --print-xml, stdout carries the XML libvirt stored and nothing else.
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
            let definition = try Self.host { () throws(DefineError) in try DomainDefinition(uri: arguments.host.connect)
            }
            let virtType = try Self.host { () throws(DefineError) in try definition.preferredVirtType() }
            let result = try arguments.run(virtType: virtType)
            guard let xml = result.xmlString else { return }
            let defined = try Self.host { () throws(DefineError) in try definition.define(xml) }
            printError("defined \(defined.name) \(defined.uuid)")
            if printXML { try StandardOutput.write(defined.xml) }
        }
    }

    /// A libvirt failure is exit 3.
    private static func host<T>(_ body: () throws(DefineError) -> T) throws -> T {
        do throws(DefineError) {
            return try body()
        } catch {
            throw CommandFailure.host(error.description)
        }
    }
}
