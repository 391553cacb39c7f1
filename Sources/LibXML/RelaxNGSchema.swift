internal import CLibXML2

/// One RELAX NG violation: libxml2's message and the line of the offending node.
public struct SchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// libxml2's message.
    public var message: String
    /// 1-based line in the validated document, if known.
    public var line: Int?
    /// The element libxml2 was looking at, if known.
    public var element: String?

    /// Creates a violation.
    public init(message: String, line: Int?, element: String?) {
        self.message = message
        self.line = line
        self.element = element
    }

    public var description: String { line.map { "\($0): \(message)" } ?? message }
}

/// A RELAX NG schema compiled once and reused for any number of documents, from any thread.
///
/// The compiled grammar is read-only after compilation; each validation uses its own context.
public final class RelaxNGSchema: @unchecked Sendable {
    private let pointer: xmlRelaxNGPtr
    /// The schema file this was compiled from.
    public let path: String

    /// Where libvirt installs its domain schema.
    public static let libvirtSchemaDirectory = "/usr/share/libvirt/schemas"

    /// Compiles a schema file (and the files it includes).
    public init(contentsOf path: String) throws(XMLError) {
        LibXMLRuntime.ensureInitialized()
        guard access(path, R_OK) == 0 else {
            throw XMLError(
                .schema,
                "RELAX NG schema not found or unreadable: \(path) (libvirt installs it with the libvirt0 package;"
                    + " or point the schema directory at another copy)", file: path)
        }
        // A FIFO or a device in the schema's place would be waited on forever (the files it includes
        // are checked by the input callbacks LibXMLRuntime registers).
        let (descriptor, _) = try InputReading.opened(path: path, regularFileOnly: true)
        close(descriptor)
        guard let parser = xmlRelaxNGNewParserCtxt(path) else {
            throw XMLError(.schema, "libxml2 could not open the schema", file: path)
        }
        self.pointer = try Self.compile(parser, name: path)
        self.path = path
    }

    /// Compiles a grammar held in memory (one that includes no other file); `name` stands for its
    /// path in messages.
    public init(grammar text: [UInt8], name: String) throws(XMLError) {
        LibXMLRuntime.ensureInitialized()
        // libxml2 reads the buffer while it compiles, without copying it: compile inside its scope.
        let compiled = text.withUnsafeBufferPointer { buffer -> Result<xmlRelaxNGPtr, XMLError> in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { base in
                guard let parser = xmlRelaxNGNewMemParserCtxt(base, Int32(buffer.count)) else {
                    return .failure(XMLError(.schema, "libxml2 could not read the grammar", file: name))
                }
                do throws(XMLError) {
                    return .success(try Self.compile(parser, name: name))
                } catch {
                    return .failure(error)
                }
            }
        }
        self.pointer = try compiled.get()
        self.path = name
    }

    private static func compile(_ parser: xmlRelaxNGParserCtxtPtr, name: String) throws(XMLError) -> xmlRelaxNGPtr {
        defer { xmlRelaxNGFreeParserCtxt(parser) }
        let collector = ViolationCollector()
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlRelaxNGSetParserStructuredErrors(parser, collectViolation, box.toOpaque())
        guard let schema = xmlRelaxNGParse(parser) else {
            let first = collector.violations.first?.description ?? "the schema does not compile"
            throw XMLError(.schema, first, file: name)
        }
        return schema
    }

    /// Compiles libvirt's `domain.rng` from a schema directory (libvirt's installed one by default).
    public static func libvirtDomain(directory: String = libvirtSchemaDirectory) throws(XMLError) -> RelaxNGSchema {
        try RelaxNGSchema(contentsOf: directory + "/domain.rng")
    }

    deinit { xmlRelaxNGFree(pointer) }

    /// Validates a document and returns every violation; an empty array means valid.
    public func validate(_ document: XMLDocument) -> [SchemaViolation] {
        validate(document: document.pointer)
    }

    /// Validates one element and what it holds, on its own (as the root of a document), and returns
    /// every violation; lines are the element's lines in its document.
    public func validate(element: XMLNode) -> [SchemaViolation] {
        LibXMLRuntime.ensureInitialized()
        let failed = [SchemaViolation(message: "libxml2 could not copy the element to check", line: nil, element: nil)]
        guard let alone = xmlNewDoc("1.0") else { return failed }
        defer { xmlFreeDoc(alone) }
        guard let copy = xmlDocCopyNode(element.pointer, alone, 1) else { return failed }
        xmlDocSetRootElement(alone, copy)
        return validate(document: alone)
    }

    private func validate(document: xmlDocPtr) -> [SchemaViolation] {
        LibXMLRuntime.ensureInitialized()
        guard let context = xmlRelaxNGNewValidCtxt(pointer) else {
            return [
                SchemaViolation(message: "libxml2 could not allocate a validation context", line: nil, element: nil)
            ]
        }
        defer { xmlRelaxNGFreeValidCtxt(context) }
        let collector = ViolationCollector()
        let box = Unmanaged.passRetained(collector)
        defer { box.release() }
        xmlRelaxNGSetValidStructuredErrors(context, collectViolation, box.toOpaque())
        let status = xmlRelaxNGValidateDoc(context, document)
        if status != 0 && collector.violations.isEmpty {
            return [SchemaViolation(message: "document does not validate", line: nil, element: nil)]
        }
        return status == 0 ? [] : collector.violations
    }
}

#if canImport(Glibc)
    import Glibc
#endif

private final class ViolationCollector {
    var violations: [SchemaViolation] = []
}

private func collectViolation(_ context: UnsafeMutableRawPointer?, _ error: xmlErrorPtr?) {
    guard let context, let error else { return }
    let collector = Unmanaged<ViolationCollector>.fromOpaque(context).takeUnretainedValue()
    let message = error.pointee.message.map { String(cString: $0).trimmingTrailingNewlines() } ?? "invalid"
    var line = Int(error.pointee.line)
    var element: String?
    if let node = error.pointee.node?.assumingMemoryBound(to: xmlNode.self) {
        if line <= 0 { line = Int(xmlGetLineNo(node)) }
        if node.pointee.type == XML_ELEMENT_NODE { element = String(cString: node.pointee.name) }
    }
    collector.violations.append(SchemaViolation(message: message, line: line > 0 ? line : nil, element: element))
}
