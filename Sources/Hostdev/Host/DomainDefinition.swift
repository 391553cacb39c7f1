import LibXML
import Libvirt

/// `define`: hands a checked domain to libvirt, which validates it against its own schema
/// (`VIR_DOMAIN_DEFINE_VALIDATE`) and stores it. VM-creation code calls this after
/// ``PassthroughTransform/run(domainXML:source:request:inventory:options:)`` succeeded.
public final class DomainDefinition {
    private let connection: Connection
    /// The connection's URI.
    public let uri: String

    /// Opens a read-write connection.
    public init(uri: String?) throws(DefineError) {
        do throws(LibvirtError) {
            connection = try Connection(uri: uri)
            self.uri = try connection.uri
        } catch {
            throw DefineError(error.description)
        }
    }

    /// The `<domain type=…>` to give a domain built from vmCreate parameters: `kvm` where the
    /// driver offers it, otherwise the first type its capabilities list (`test` on the test driver).
    public func preferredVirtType() throws(DefineError) -> String {
        do {
            let capabilities = try connection.capabilitiesXML()
            let document = try XMLDocument(parsing: capabilities, source: "capabilities")
            let types = try document.select("/capabilities/guest/arch/domain").compactMap { $0.attribute("type") }
            return types.contains("kvm") ? "kvm" : types.first ?? "kvm"
        } catch {
            throw DefineError("cannot read the capabilities of \(uri): \(error)")
        }
    }

    /// Defines the domain (with libvirt's schema validation) and returns what libvirt stored.
    public func define(_ xml: String) throws(DefineError) -> DefinedDomain {
        do throws(LibvirtError) {
            let domain = try connection.defineDomain(xml: xml, validate: true)
            return DefinedDomain(
                name: domain.name, uuid: try domain.uuid(), xml: try domain.xmlDescription(inactive: true))
        } catch {
            throw DefineError(error.description)
        }
    }
}

/// A domain libvirt defined.
public struct DefinedDomain: Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its UUID.
    public var uuid: String
    /// The (inactive) XML libvirt stored.
    public var xml: String
}

/// Why libvirt did not define a domain: the host or libvirt failed (a refusal by the rules comes
/// before, as findings of the transform).
public struct DefineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libvirt's message.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
