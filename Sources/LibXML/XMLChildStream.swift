internal import CLibXML2

/// Reads a document whose root holds many independent children (the devices of a host snapshot)
/// one child at a time, so the tree never holds more than one of them.
///
/// Parsing is hardened exactly as ``XMLDocument/init(parsing:source:limits:)``'s is (the same
/// options, bounds, DOCTYPE refusal and first-error report). Each element child of the root is
/// handed over once its end tag is read, as a node of a document that also holds the root (its
/// line, column, namespaces and serialization are as they would be in the whole document); it and
/// the text around it are freed when the handler returns, so a view of it must not be kept. The
/// children are for reading only: small text is stored compactly (libxml2's `XML_PARSE_COMPACT`),
/// which an edit of the tree must not meet.
public enum XMLChildStream {
    /// Parses `bytes`, calling `child` with each element child of the root in document order.
    ///
    /// A handler sees the children of a document that may still turn out malformed: whatever it
    /// concludes counts only if this returns.
    /// - Returns: the root element, without its children.
    public static func read(
        _ bytes: [UInt8], source: String?, limits: ParseLimits = .standard, child: (XMLNode) -> Void
    ) throws(XMLError) -> XMLNode {
        guard bytes.count <= limits.maxBytes else {
            throw XMLError(.tooLarge, "input is larger than the \(limits.maxBytes >> 20) MiB limit", file: source)
        }
        try XMLDocument.checkCounts(bytes, source: source, limits: limits)
        // libxml2 makes no memory parser for nothing; the whole-document parse says what is wrong.
        if bytes.isEmpty { return try XMLDocument(parsing: bytes, source: source, limits: limits).root }
        LibXMLRuntime.ensureInitialized()
        let parser = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                xmlCreateMemoryParserCtxt($0, Int32(buffer.count))
            }
        }
        guard let parser else { throw XMLError(.malformed, "libxml2 could not allocate a parser", file: source) }
        defer { xmlFreeParserCtxt(parser) }
        return try withoutActuallyEscaping(child) { handler throws(XMLError) in
            let stream = Stream(bytes: bytes, source: source, handler: handler)
            var state = hostdev_stream_state()
            state.context = Unmanaged.passUnretained(stream).toOpaque()
            state.handler = { context, node in
                guard let context, let node else { return }
                Unmanaged<Stream>.fromOpaque(context).takeUnretainedValue().hand(node)
            }
            let options = XMLDocument.hardenedOptions | Int32(XML_PARSE_COMPACT.rawValue)
            hostdev_stream_memory(parser, options, &state)
            // The document (whole or partial) is ours to free, through the view that owns it.
            let document = parser.pointee.myDoc.map { stream.document(owning: $0) }
            parser.pointee.myDoc = nil
            if state.guard.refused != 0 {
                throw XMLError(
                    .doctypeRefused, "DOCTYPE declarations are not accepted (no DTDs, no entities)", file: source,
                    line: Int(state.guard.line), column: Int(state.guard.column))
            }
            guard let document, parser.pointee.wellFormed != 0 else {
                throw XMLDocument.firstError(state.guard, parser: parser, source: source)
            }
            guard xmlDocGetRootElement(document.pointer) != nil else {
                throw XMLError(.malformed, "document has no root element", file: source)
            }
            return document.root
        }
    }

    /// What the C handler reaches: the handler and the view of the document being built.
    private final class Stream {
        let bytes: [UInt8]
        let source: String?
        let handler: (XMLNode) -> Void
        private var owner: XMLDocument?

        init(bytes: [UInt8], source: String?, handler: @escaping (XMLNode) -> Void) {
            self.bytes = bytes
            self.source = source
            self.handler = handler
        }

        /// The view of the parser's document, made once; it frees the document when released.
        func document(owning pointer: xmlDocPtr) -> XMLDocument {
            if let owner { return owner }
            let made = XMLDocument(
                pointer: pointer, source: source, bytes: bytes,
                hasDeclaration: XMLDocument.startsWithDeclaration(bytes))
            owner = made
            return made
        }

        func hand(_ node: xmlNodePtr) {
            handler(XMLNode(document: document(owning: node.pointee.doc), pointer: node))
        }
    }
}
