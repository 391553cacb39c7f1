internal import CLibXML2

/// The proof that spliced bytes are this document: they are parsed as ``XMLDocument`` parses (same
/// options, same bounds, the DOCTYPE refused) and every node the parser reports is matched, in
/// document order, against a walk of this tree, without building a second tree.
extension XMLDocument {
    /// Whether `spliced` reads back as this tree: the same elements (names, namespaces, namespace
    /// declarations, attributes and their values, in order), the same character data (adjacent text
    /// nodes merged, as a parser reads them back), CDATA sections, comments, processing
    /// instructions and entity references, and the same XML declaration. Anything this does not
    /// know how to match (a DTD, a node of another kind) answers `false`, as does any parse error.
    func readsBack(_ spliced: [UInt8], limits: ParseLimits = .standard) -> Bool {
        guard spliced.count <= limits.maxBytes, pointer.pointee.intSubset == nil, pointer.pointee.extSubset == nil
        else { return false }
        do throws(XMLError) {
            try Self.checkCounts(spliced, source: nil, limits: limits)
        } catch {
            return false
        }
        LibXMLRuntime.ensureInitialized()
        guard let parser = xmlNewParserCtxt() else { return false }
        defer { xmlFreeParserCtxt(parser) }
        let check = ReadBackCheck(tree: pointer)
        let record = UnsafeMutablePointer<hostdev_read_back>.allocate(capacity: 1)
        defer { record.deallocate() }
        record.initialize(to: hostdev_read_back())
        record.pointee.checker = Unmanaged.passUnretained(check).toOpaque()
        ReadBackCheck.install(on: parser, record: record)
        let reread = withExtendedLifetime(check) {
            spliced.withUnsafeBufferPointer { buffer in
                // Read in chunks, as from a file: libxml2 would copy a whole memory buffer first.
                var input = ChunkedInput(bytes: buffer)
                return withUnsafeMutablePointer(to: &input) { input in
                    xmlCtxtReadIO(parser, ChunkedInput.read, nil, input, nil, nil, XMLDocument.hardenedOptions)
                }
            }
        }
        guard let reread else { return false }
        defer { xmlFreeDoc(reread) }
        return record.pointee.guard.refused == 0 && parser.pointee.wellFormed != 0 && check.finish()
            && Self.sameDeclaration(pointer, reread)
    }

    /// Whether two documents declare the same version, encoding and standalone.
    private static func sameDeclaration(_ tree: xmlDocPtr, _ reread: xmlDocPtr) -> Bool {
        xmlStrEqual(tree.pointee.version, reread.pointee.version) != 0
            && xmlStrEqual(tree.pointee.encoding, reread.pointee.encoding) != 0
            && tree.pointee.standalone == reread.pointee.standalone
    }
}

/// Bytes handed to libxml2 as it asks for them.
private struct ChunkedInput {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    /// libxml2's read callback: copies up to `count` bytes to `destination`, 0 at the end.
    static let read: xmlInputReadCallback = { context, destination, count in
        guard let input = context?.assumingMemoryBound(to: ChunkedInput.self), let destination, count >= 0 else {
            return -1
        }
        let taken = min(Int(count), input.pointee.bytes.count - input.pointee.offset)
        guard taken > 0, let base = input.pointee.bytes.baseAddress else { return 0 }
        UnsafeMutableRawPointer(destination).copyMemory(from: base + input.pointee.offset, byteCount: taken)
        input.pointee.offset += taken
        return Int32(taken)
    }
}

/// A walk of a tree in document order, advanced by the events of a parse of bytes that must read
/// back as that tree. Elements the parse opens are built (so that their attributes are read exactly
/// as the tree's were), compared, and freed when they close; character data is compared as it
/// arrives and never stored.
final class ReadBackCheck {
    /// The element whose children are being matched, `nil` at the top of the document.
    private var parent: xmlNodePtr?
    /// The next node of the tree the parse must report.
    private var next: xmlNodePtr?
    /// Bytes of `next`'s content already matched (text, CDATA), and its length once known.
    private var offset = 0
    private var length = -1
    /// The kind of character data being matched: text (adjacent text nodes read as one) or CDATA.
    private var run: xmlElementType?
    /// Cleared at the first difference.
    private(set) var same = true

    init(tree: xmlDocPtr) {
        next = tree.pointee.children
    }

    /// Whether the whole tree was matched by a parse that reported nothing more.
    func finish() -> Bool {
        same && finishCharacters() && parent == nil && next == nil
    }

    // MARK: - Events

    private func startElement(_ reread: xmlNodePtr) -> Bool {
        guard finishCharacters(), let node = next, node.pointee.type == XML_ELEMENT_NODE,
            Self.sameElement(node, reread)
        else { return false }
        parent = node
        advance(to: node.pointee.children)
        return true
    }

    private func endElement() -> Bool {
        guard finishCharacters(), next == nil, let element = parent else { return false }
        let above = element.pointee.parent
        parent = above?.pointee.type == XML_ELEMENT_NODE ? above : nil
        advance(to: element.pointee.next)
        return true
    }

    /// Matches characters the parse reported, of `kind` text or CDATA, against the tree's.
    private func characters(_ bytes: UnsafePointer<xmlChar>, count: Int, kind: xmlElementType) -> Bool {
        if run != kind {
            guard finishCharacters() else { return false }
            run = kind
            if kind == XML_CDATA_SECTION_NODE {
                guard let node = next, node.pointee.type == XML_CDATA_SECTION_NODE else { return false }
            }
        }
        var bytes = bytes
        var count = count
        while count > 0 {
            guard let node = next, node.pointee.type == kind, kind != XML_TEXT_NODE || Self.isEscapedText(node) else {
                return false
            }
            if length < 0 { length = Int(xmlStrlen(node.pointee.content)) }
            let matched = min(length - offset, count)
            if matched == 0 {
                // A CDATA section is one node: the parse merges adjacent ones, the tree must not hold two.
                guard kind == XML_TEXT_NODE else { return false }
                advance(to: node.pointee.next)
                continue
            }
            guard memcmp(node.pointee.content! + offset, bytes, matched) == 0 else { return false }
            offset += matched
            bytes += matched
            count -= matched
        }
        return true
    }

    /// Ends a run of character data: all of the tree's must have been matched. Empty text nodes,
    /// which write nothing, are passed over.
    private func finishCharacters() -> Bool {
        if run == XML_CDATA_SECTION_NODE {
            guard let node = next, node.pointee.type == XML_CDATA_SECTION_NODE else { return false }
            if length < 0 { length = Int(xmlStrlen(node.pointee.content)) }
            guard offset == length else { return false }
            advance(to: node.pointee.next)
        }
        run = nil
        // Text left over stays `next`, which the event that follows cannot match.
        while let node = next, node.pointee.type == XML_TEXT_NODE, Self.isEscapedText(node) {
            if length < 0 { length = Int(xmlStrlen(node.pointee.content)) }
            guard offset == length else { return true }
            advance(to: node.pointee.next)
        }
        return true
    }

    /// Matches a comment, a processing instruction or an entity reference: a node of `kind` whose
    /// name and content are the reported ones.
    private func leaf(_ kind: xmlElementType, name: UnsafePointer<xmlChar>?, content: UnsafePointer<xmlChar>?)
        -> Bool
    {
        guard finishCharacters(), let node = next, node.pointee.type == kind else { return false }
        switch kind {
        case XML_COMMENT_NODE:
            guard Self.sameText(node.pointee.content, content) else { return false }
        case XML_PI_NODE:
            guard xmlStrEqual(node.pointee.name, name) != 0, xmlStrEqual(node.pointee.content, content) != 0 else {
                return false
            }
        default:
            guard xmlStrEqual(node.pointee.name, name) != 0 else { return false }
        }
        advance(to: node.pointee.next)
        return true
    }

    private func advance(to node: xmlNodePtr?) {
        next = node
        offset = 0
        length = -1
    }

    // MARK: - Comparing nodes

    /// Same name, namespace, namespace declarations and attributes (names, namespaces, values), in order.
    private static func sameElement(_ tree: xmlNodePtr, _ reread: xmlNodePtr) -> Bool {
        guard xmlStrEqual(tree.pointee.name, reread.pointee.name) != 0,
            sameNamespace(tree.pointee.ns, reread.pointee.ns)
        else { return false }
        var declared = tree.pointee.nsDef
        var redeclared = reread.pointee.nsDef
        while let one = declared, let other = redeclared {
            guard sameNamespace(one, other) else { return false }
            declared = one.pointee.next
            redeclared = other.pointee.next
        }
        guard declared == nil, redeclared == nil else { return false }
        var attribute = tree.pointee.properties
        var reattribute = reread.pointee.properties
        while let one = attribute, let other = reattribute {
            guard one.pointee.type == XML_ATTRIBUTE_NODE, other.pointee.type == XML_ATTRIBUTE_NODE,
                xmlStrEqual(one.pointee.name, other.pointee.name) != 0,
                sameNamespace(one.pointee.ns, other.pointee.ns),
                sameValue(one.pointee.children, other.pointee.children)
            else { return false }
            attribute = one.pointee.next
            reattribute = other.pointee.next
        }
        return attribute == nil && reattribute == nil
    }

    private static func sameNamespace(_ one: xmlNsPtr?, _ other: xmlNsPtr?) -> Bool {
        guard let one, let other else { return one == nil && other == nil }
        return xmlStrEqual(one.pointee.prefix, other.pointee.prefix) != 0
            && xmlStrEqual(one.pointee.href, other.pointee.href) != 0
    }

    /// Whether two attribute values, each a list of text nodes, hold the same text. A value holding
    /// anything but text (an entity reference) is not understood: different.
    private static func sameValue(_ one: xmlNodePtr?, _ other: xmlNodePtr?) -> Bool {
        guard isTextList(one), isTextList(other) else { return false }
        if one?.pointee.next == nil, other?.pointee.next == nil {
            return sameText(one?.pointee.content, other?.pointee.content)
        }
        return concatenated(one) == concatenated(other)
    }

    private static func isTextList(_ first: xmlNodePtr?) -> Bool {
        var node = first
        while let current = node {
            guard current.pointee.type == XML_TEXT_NODE, isEscapedText(current) else { return false }
            node = current.pointee.next
        }
        return true
    }

    private static func concatenated(_ first: xmlNodePtr?) -> [UInt8] {
        var bytes: [UInt8] = []
        var node = first
        while let current = node {
            if let content = current.pointee.content {
                bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
            }
            node = current.pointee.next
        }
        return bytes
    }

    /// Whether two texts are equal, a missing one being empty.
    private static func sameText(_ one: UnsafePointer<xmlChar>?, _ other: UnsafePointer<xmlChar>?) -> Bool {
        guard let one, let other else { return (one?.pointee ?? 0) == 0 && (other?.pointee ?? 0) == 0 }
        return xmlStrEqual(one, other) != 0
    }

    /// libxml2 names text nodes `text`; `textnoenc` ones are written unescaped, so their bytes do
    /// not read back as their content.
    private static let textName: [xmlChar] = Array("text".utf8) + [0]

    private static func isEscapedText(_ node: xmlNodePtr) -> Bool {
        textName.withUnsafeBufferPointer { xmlStrEqual(node.pointee.name, $0.baseAddress) != 0 }
    }

    // MARK: - The parser's handlers

    /// Replaces the tree-building handlers of `parser` by this check's; the DOCTYPE guard and the
    /// error record stay those of every hardened parse.
    static func install(on parser: xmlParserCtxtPtr, record: UnsafeMutablePointer<hostdev_read_back>) {
        let sax = parser.pointee.sax!
        hostdev_install_guard(parser, record)
        sax.pointee.startElementNs = {
            context, localname, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
            guard let (parser, check) = ReadBackCheck.of(context) else { return }
            let before = parser.pointee.node
            xmlSAX2StartElementNs(
                context, localname, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
            guard let element = parser.pointee.node, element != before, check.startElement(element) else {
                return check.stop(parser)
            }
        }
        sax.pointee.endElementNs = { context, localname, prefix, uri in
            guard let (parser, check) = ReadBackCheck.of(context) else { return }
            let element = parser.pointee.node
            xmlSAX2EndElementNs(context, localname, prefix, uri)
            if let element {
                // Its children were freed as they closed: memory stays that of the open elements.
                xmlUnlinkNode(element)
                xmlFreeNode(element)
            }
            if !check.endElement() { check.stop(parser) }
        }
        let text: charactersSAXFunc = { context, bytes, count in
            guard let (parser, check) = ReadBackCheck.of(context), let bytes, count > 0 else { return }
            if !check.characters(bytes, count: Int(count), kind: XML_TEXT_NODE) { check.stop(parser) }
        }
        sax.pointee.characters = text
        sax.pointee.ignorableWhitespace = text
        sax.pointee.cdataBlock = { context, bytes, count in
            guard let (parser, check) = ReadBackCheck.of(context), let bytes else { return }
            if !check.characters(bytes, count: Int(count), kind: XML_CDATA_SECTION_NODE) { check.stop(parser) }
        }
        sax.pointee.comment = { context, content in
            guard let (parser, check) = ReadBackCheck.of(context) else { return }
            if !check.leaf(XML_COMMENT_NODE, name: nil, content: content) { check.stop(parser) }
        }
        sax.pointee.processingInstruction = { context, target, data in
            guard let (parser, check) = ReadBackCheck.of(context) else { return }
            if !check.leaf(XML_PI_NODE, name: target, content: data) { check.stop(parser) }
        }
        sax.pointee.reference = { context, name in
            guard let (parser, check) = ReadBackCheck.of(context) else { return }
            if !check.leaf(XML_ENTITY_REF_NODE, name: name, content: nil) { check.stop(parser) }
        }
    }

    /// The parser and the check its handlers were given.
    private static func of(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ReadBackCheck)? {
        guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self),
            let record = parser.pointee._private?.assumingMemoryBound(to: hostdev_read_back.self),
            let check = record.pointee.checker
        else { return nil }
        return (parser, Unmanaged<ReadBackCheck>.fromOpaque(check).takeUnretainedValue())
    }

    /// Records a difference and stops the parse: nothing after it can make the bytes the same.
    private func stop(_ parser: xmlParserCtxtPtr) {
        same = false
        xmlStopParser(parser)
    }
}
