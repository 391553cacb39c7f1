import FoundationEssentials
import Hostdev
import LibXML

/// The `options_json` of the C calls. Unknown keys are refused (a misspelt option must not pass
/// silently as its default).
struct EmbeddedOptions: Decodable {
    var includeGroup: Bool?
    var schema: Bool?
    var schemas: String?
    var virtType: String?
    var source: String?
    var select: [String]?
    var ignore: [String]?
    var capabilities: [String]?
    var domain: String?

    static let transformKeys: Set<String> = ["includeGroup", "schema", "schemas", "virtType", "source"]
    static let lintKeys: Set<String> = ["schema", "schemas", "select", "ignore", "source"]
    static let listKeys: Set<String> = ["capabilities", "domain"]

    /// The largest options text accepted: the request's limit, ``VMCreateRequest/maxBytes``.
    static let maxBytes = VMCreateRequest.maxBytes

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes options, refusing keys outside `allowed` and text over ``maxBytes``; `nil` or empty
    /// bytes are `{}`.
    static func decode(_ bytes: [UInt8]?, allowed: Set<String>) throws(CallFailure) -> EmbeddedOptions {
        if let bytes, bytes.count > maxBytes {
            throw CallFailure.input("options: larger than the \(maxBytes >> 20) MiB limit")
        }
        guard let bytes, !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) else {
            return EmbeddedOptions()
        }
        let options: EmbeddedOptions
        do {
            options = try JSONDecoder().decode(EmbeddedOptions.self, from: Data(bytes))
        } catch {
            throw CallFailure.input("options: not a JSON object of known options: \(error)")
        }
        let unknown = options.keys.subtracting(allowed).sorted()
        guard unknown.isEmpty else {
            throw CallFailure.input(
                "options: unknown key\(unknown.count == 1 ? "" : "s") \(unknown.joined(separator: ", ")); "
                    + "known: \(allowed.sorted().joined(separator: ", "))")
        }
        return options
    }

    private var keys: Set<String> = []

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        keys = Set(container.allKeys.map(\.stringValue))
        func value<T: Decodable>(_ key: String) throws -> T? {
            try container.decodeIfPresent(T.self, forKey: AnyKey(stringValue: key))
        }
        includeGroup = try value("includeGroup")
        schema = try value("schema")
        schemas = try value("schemas")
        virtType = try value("virtType")
        source = try value("source")
        select = try value("select")
        ignore = try value("ignore")
        capabilities = try value("capabilities")
        domain = try value("domain")
    }

    /// libvirt's domain schema unless `"schema": false`; a schema that cannot be read is bad input.
    func loadSchema() throws(CallFailure) -> RelaxNGSchema? {
        guard schema ?? true else { return nil }
        do throws(XMLError) {
            return try RelaxNGSchema.libvirtDomain(directory: schemas ?? RelaxNGSchema.libvirtSchemaDirectory)
        } catch {
            throw CallFailure.input(error.description)
        }
    }
}
