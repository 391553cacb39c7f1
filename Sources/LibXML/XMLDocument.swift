internal import CLibXML2

/// A parsed XML document that owns its libxml2 tree and frees it when released.
///
/// Parsing is hardened: no network, no DTD (and so no entities of any kind), libxml2's
/// default depth bound, and a size bound. Serialization writes the tree back as it was
/// read, so comments, foreign namespaces, attribute order and whitespace survive.
///
/// A document is not `Sendable`: use it from one task at a time.
public final class XMLDocument {
    let pointer: xmlDocPtr
    /// Where the document came from (`-` for standard input), used in error locations.
    public let source: String?
    /// The bytes it was parsed from, kept to answer column questions.
    let bytes: [UInt8]
    /// Whether the input began with an XML declaration (`<?xml …?>`).
    public let hasDeclaration: Bool
    /// Set by edits that change parsed nodes in place (attributes, removals): splicing new nodes into
    /// the source bytes can no longer reproduce the document, so libxml2 writes it whole.
    var needsFullSerialization = false
    /// Where the last column count stopped (see ``position(of:)``).
    var columnMemo: ColumnMemo?
    /// Elements changed in place (an attribute, the namespace, a child removed), so that a check of
    /// what an edit touched can find them (``XMLNode/changedSubtrees()``).
    var editedInPlace: Set<xmlNodePtr> = []

    init(pointer: xmlDocPtr, source: String?, bytes: [UInt8], hasDeclaration: Bool) {
        self.pointer = pointer
        self.source = source
        self.bytes = bytes
        self.hasDeclaration = hasDeclaration
    }

    deinit { xmlFreeDoc(pointer) }

    /// The libxml2 options every parse uses: no network, errors collected rather than printed,
    /// line numbers past 65535, and neither entity substitution nor DTD loading.
    static let hardenedOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue)

    /// Parses bytes.
    /// - Parameters:
    ///   - bytes: the document text.
    ///   - source: a file name for error messages.
    ///   - limits: the size bound.
    public convenience init(parsing bytes: [UInt8], source: String? = nil, limits: ParseLimits = .standard)
        throws(XMLError)
    {
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, "input is larger than the \(limits.maxBytes >> 20) MiB limit", file: source)
        }
        try XMLDocument.checkCounts(bytes, source: source, limits: limits)
        LibXMLRuntime.ensureInitialized()
        guard let parser = xmlNewParserCtxt() else {
            throw XMLError(.malformed, "libxml2 could not allocate a parser", file: source)
        }
        defer { xmlFreeParserCtxt(parser) }
        var guardRecord = hostdev_dtd_guard()
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { base in
                hostdev_read_memory(
                    parser, base, Int32(buffer.count), source, XMLDocument.hardenedOptions, &guardRecord)
            }
        }
        if guardRecord.refused != 0 {
            if let document { xmlFreeDoc(document) }
            throw XMLError(
                .doctypeRefused, "DOCTYPE declarations are not accepted (no DTDs, no entities)", file: source,
                line: Int(guardRecord.line), column: Int(guardRecord.column))
        }
        guard let document, parser.pointee.wellFormed != 0 else {
            if let document { xmlFreeDoc(document) }
            throw XMLDocument.firstError(guardRecord, parser: parser, source: source)
        }
        guard xmlDocGetRootElement(document) != nil else {
            xmlFreeDoc(document)
            throw XMLError(.malformed, "document has no root element", file: source)
        }
        let declared = XMLDocument.startsWithDeclaration(bytes)
        self.init(pointer: document, source: source, bytes: bytes, hasDeclaration: declared)
    }

    /// Parses a string.
    public convenience init(parsing text: String, source: String? = nil, limits: ParseLimits = .standard)
        throws(XMLError)
    {
        try self.init(parsing: Array(text.utf8), source: source, limits: limits)
    }

    /// Reads and parses a file; `-` reads standard input.
    ///
    /// Opening never blocks (a named pipe without a writer, a device); with `regularFileOnly`
    /// anything but a regular file is refused with ``XMLError/Code/notRegularFile``.
    public convenience init(contentsOf path: String, limits: ParseLimits = .standard, regularFileOnly: Bool = false)
        throws(XMLError)
    {
        let bytes = try InputReading.read(path: path, limits: limits, regularFileOnly: regularFileOnly)
        try self.init(parsing: bytes, source: path, limits: limits)
    }

    /// Creates an empty document with one root element.
    public convenience init(rootName: String) {
        LibXMLRuntime.ensureInitialized()
        let document = xmlNewDoc("1.0")!
        let root = xmlNewDocNode(document, nil, rootName, nil)
        xmlDocSetRootElement(document, root)
        self.init(pointer: document, source: nil, bytes: [], hasDeclaration: false)
    }

    static func startsWithDeclaration(_ bytes: [UInt8]) -> Bool {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let prefix: [UInt8] = Array("<?xml".utf8)
        return bytes.count >= start + prefix.count && Array(bytes[start..<start + prefix.count]) == prefix
    }

    /// The root element.
    public var root: XMLNode {
        XMLNode(document: self, pointer: xmlDocGetRootElement(pointer)!)
    }

    /// The nodes before and after the root element (comments, processing instructions), in order.
    public var topLevelNodes: [XMLNode] { XMLNode.siblings(from: pointer.pointee.children, in: self) }

    /// Serializes the document as UTF-8.
    ///
    /// When the only edits are elements added through this module, the result is the input's own
    /// bytes with the new nodes spliced in: everything untouched stays exactly as it was, quotes and
    /// all. Otherwise (or when splicing cannot be proven to give the same document) libxml2 writes
    /// the tree, which keeps comments, foreign namespaces, attribute order and whitespace, but writes
    /// attribute values in double quotes. An XML declaration is written only when the input had one.
    public func serialized() throws(XMLError) -> [UInt8] {
        if !needsFullSerialization, let spliced = splicedSource(), readsBack(spliced) { return spliced }
        return try treeSerialized()
    }

    /// libxml2's serialization of the whole tree.
    func treeSerialized() throws(XMLError) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else {
            throw XMLError(.serialization, "libxml2 could not allocate a buffer", file: source)
        }
        defer { xmlBufferFree(buffer) }
        var options = Int32(0)
        if !hasDeclaration { options |= Int32(XML_SAVE_NO_DECL.rawValue) }
        guard let context = xmlSaveToBuffer(buffer, "UTF-8", options) else {
            throw XMLError(.serialization, "libxml2 could not start serializing", file: source)
        }
        let written = xmlSaveDoc(context, pointer)
        xmlSaveClose(context)
        guard written >= 0 else {
            throw XMLError(.serialization, "libxml2 could not serialize the document", file: source)
        }
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
        return Array(UnsafeBufferPointer(start: content, count: count))
    }

    /// The serialized document as a string.
    public func serializedString() throws(XMLError) -> String {
        String(decoding: try serialized(), as: UTF8.self)
    }
}
