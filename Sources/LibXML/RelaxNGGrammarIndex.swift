internal import CLibXML2

#if canImport(Glibc)
    import Glibc
#endif

/// Where every `<define>` of a RELAX NG grammar (a file and the files it includes) sits in the
/// source bytes, what each one references, and which are a single named `<element>`: enough to
/// write a smaller grammar holding only some of them, without building a tree of the sources.
///
/// The sources are read with libxml2's SAX interface in one pass per file. Only the grammar shapes
/// libvirt's schemas use are accepted (top-level defines, plain includes, a start); anything else
/// (`div`, include overrides, `externalRef`, `parentRef`, nested grammars, a non-UTF-8 file) is an
/// error, so that a caller falls back to the whole grammar instead of guessing.
struct RelaxNGGrammarIndex {
    /// One source file: its bytes and the namespace and datatype declarations its defines inherit.
    struct File {
        let path: String
        let bytes: [UInt8]
        /// Its identity before it was read.
        let identity: FileIdentity
        /// The namespace declarations, `datatypeLibrary` and `ns` of its `<grammar>`, which its
        /// defines inherit.
        let inherited: [(name: String, value: String)]
    }

    /// One `<define>` element (a define split with `combine=` has several).
    struct Part {
        /// Index into ``files``.
        let file: Int
        /// The start tag's attributes and namespace declarations.
        let attributes: [(name: String, value: String)]
        /// The content between the start and the end tag.
        let body: Range<Int>
        /// Every `<ref name=…>` inside.
        let references: [String]
        /// The local name of the single named `<element>` that is the whole content, if it is.
        let elementName: String?
    }

    static let namespace = "http://relaxng.org/ns/structure/1.0"

    /// ` name="value"`, the value escaped for an attribute.
    static func attributeText(_ name: String, _ value: String) -> [UInt8] {
        var text = Array(" \(name)=\"".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): text += Array("&amp;".utf8)
            case UInt8(ascii: "<"): text += Array("&lt;".utf8)
            case UInt8(ascii: "\""): text += Array("&quot;".utf8)
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
        return text
    }

    private(set) var files: [File] = []
    private(set) var defines: [String: [Part]] = [:]

    /// Reads a grammar file and every file it includes.
    init(contentsOf path: String) throws(XMLError) {
        LibXMLRuntime.ensureInitialized()
        var pending = [path]
        var seen: Set<String> = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            let includes = try scan(next)
            let directory = next.lastIndex(of: "/").map { String(next[..<$0]) } ?? "."
            pending += includes.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
        }
    }

    private mutating func scan(_ path: String) throws(XMLError) -> [String] {
        let (bytes, identity) = try InputReading.readIdentified(path: path, limits: ParseLimits(maxBytes: 16 << 20))
        let scanner = GrammarScanner(fileIndex: files.count, bytes: bytes)
        try scanner.run(path: path)
        if let failure = scanner.failure { throw XMLError(.schema, failure, file: path, line: scanner.failureLine) }
        files.append(File(path: path, bytes: bytes, identity: identity, inherited: scanner.inherited))
        for part in scanner.parts { defines[part.name, default: []].append(part.part) }
        return scanner.includes
    }
}

/// The SAX side of ``RelaxNGGrammarIndex``: one file, no tree.
private final class GrammarScanner {
    let fileIndex: Int
    let bytes: [UInt8]
    var depth = 0
    var failure: String?
    var failureLine: Int?
    var inherited: [(name: String, value: String)] = []
    var includes: [String] = []
    var parts: [(name: String, part: RelaxNGGrammarIndex.Part)] = []
    /// The open define: name, attributes, body start, references, RNG children seen, element name.
    var open:
        (
            name: String, attributes: [(name: String, value: String)], start: Int, references: [String], children: Int,
            element: String?
        )?
    /// Inside an element whose content is ignored (`<start>`, annotations) down to this depth.
    var skippingBelow: Int?
    var parser: xmlParserCtxtPtr?

    init(fileIndex: Int, bytes: [UInt8]) {
        self.fileIndex = fileIndex
        self.bytes = bytes
    }

    func run(path: String) throws(XMLError) {
        // The parser reads the buffer in place: parse inside its scope.
        let outcome = bytes.withUnsafeBufferPointer { buffer -> XMLError? in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                guard let parser = xmlCreateMemoryParserCtxt(base, Int32(buffer.count)) else {
                    return XMLError(.schema, "libxml2 could not allocate a parser", file: path)
                }
                defer {
                    self.parser = nil
                    xmlFreeParserCtxt(parser)
                }
                return parse(with: parser, path: path)
            }
        }
        if let outcome { throw outcome }
    }

    private func parse(with parser: xmlParserCtxtPtr, path: String) -> XMLError? {
        self.parser = parser
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = scannerStart
        handler.endElementNs = scannerEnd
        parser.pointee.sax.pointee = handler
        parser.pointee.userData = UnsafeMutableRawPointer(parser)
        let box = Unmanaged.passRetained(self)
        defer { box.release() }
        parser.pointee._private = box.toOpaque()
        _ = xmlCtxtUseOptions(parser, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue))
        xmlParseDocument(parser)
        if parser.pointee.wellFormed == 0, failure == nil {
            return LibXMLRuntime.error(.schema, from: xmlCtxtGetLastError(parser), file: path)
        }
        if parser.pointee.input?.pointee.buf?.pointee.encoder != nil, failure == nil {
            fail("not UTF-8: the reduced grammar reads define bodies as bytes")
        }
        return nil
    }

    func fail(_ message: String) {
        guard failure == nil else { return }
        failure = message
        if let parser, let input = parser.pointee.input { failureLine = Int(input.pointee.line) }
        if let parser { xmlStopParser(parser) }
    }

    /// Offset in `bytes` where the parser stands.
    var offset: Int { parser.map { Int(hostdev_parser_offset($0)) } ?? 0 }

    func start(_ tag: StartTag, closesAtOnce: Bool) {
        depth += 1
        if let below = skippingBelow, depth > below { return }
        let isRNG = tag.isRNG
        switch depth {
        case 1:
            guard isRNG, tag.named("grammar") else { return fail("the root is not a RELAX NG <grammar>") }
            inherited = tag.declarations + tag.attributes.filter { $0.name == "datatypeLibrary" || $0.name == "ns" }
        case 2:
            guard isRNG else { return skippingBelow = depth }
            if tag.named("define") {
                guard let name = tag.attribute("name") else { return fail("<define> without a name") }
                open = (name, tag.declarations + tag.attributes, offset + (closesAtOnce ? 2 : 1), [], 0, nil)
            } else if tag.named("include") {
                guard let href = tag.attribute("href") else { return fail("<include> without href") }
                includes.append(href)
            } else if tag.named("start") {
                skippingBelow = depth
            } else {
                fail("<\(tag.name)> at the top of a grammar is not supported here")
            }
        default:
            guard isRNG else { return skippingBelow = depth }
            guard open != nil else { return fail("content inside <include> (an override) is not supported here") }
            if tag.named("ref") {
                if let name = tag.attribute("name") { open!.references.append(name) }
            } else if tag.named("parentRef") || tag.named("externalRef") || tag.named("grammar")
                || tag.named("include")
            {
                fail("<\(tag.name)> inside a define is not supported here")
            }
            if depth == 3 {
                open!.children += 1
                if tag.named("element"), let name = tag.attribute("name") {
                    open!.element = String(name.split(separator: ":").last ?? "")
                }
            }
        }
    }

    func end() {
        defer {
            depth -= 1
            if let below = skippingBelow, depth < below { skippingBelow = nil }
        }
        guard depth == 2, let define = open else { return }
        open = nil
        // The parser stands just past the end tag's '>'; the body ends at its '<'.
        let after = offset
        var end = after
        if after > define.start {
            end = after - 1
            while end > define.start && bytes[end] != UInt8(ascii: "<") { end -= 1 }
            guard bytes[end] == UInt8(ascii: "<"), end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "/"),
                bytes[define.start - 1] == UInt8(ascii: ">")
            else { return fail("could not locate the body of define \(define.name)") }
        }
        let element = define.children == 1 ? define.element : nil
        parts.append(
            (
                define.name,
                RelaxNGGrammarIndex.Part(
                    file: fileIndex, attributes: define.attributes, body: define.start..<end,
                    references: define.references, elementName: element)
            ))
    }

}

private func scannerOf(_ context: UnsafeMutableRawPointer?) -> GrammarScanner? {
    guard let context else { return nil }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let box = parser.pointee._private else { return nil }
    return Unmanaged<GrammarScanner>.fromOpaque(box).takeUnretainedValue()
}

/// A start tag as libxml2 hands it to SAX: names and attributes are read only when asked for.
private struct StartTag {
    let localName: UnsafePointer<xmlChar>
    let uri: UnsafePointer<xmlChar>?
    let namespaceCount: Int
    let namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let attributeCount: Int
    let rawAttributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?

    static func equal(_ text: UnsafePointer<xmlChar>, _ expected: StaticString) -> Bool {
        let count = expected.utf8CodeUnitCount
        let bytes = expected.utf8Start
        for index in 0..<count where text[index] != bytes[index] { return false }
        return text[count] == 0
    }

    var isRNG: Bool { uri.map { Self.equal($0, "http://relaxng.org/ns/structure/1.0") } ?? false }
    func named(_ name: StaticString) -> Bool { Self.equal(localName, name) }
    var name: String { String(cString: localName) }

    /// The value of an unprefixed attribute.
    func attribute(_ name: StaticString) -> String? {
        guard let rawAttributes else { return nil }
        for index in 0..<attributeCount {
            let base = 5 * index
            guard let local = rawAttributes[base], rawAttributes[base + 1] == nil, Self.equal(local, name) else {
                continue
            }
            return value(at: base)
        }
        return nil
    }

    private func value(at base: Int) -> String? {
        guard let rawAttributes, let value = rawAttributes[base + 3], let end = rawAttributes[base + 4] else {
            return nil
        }
        return String(decoding: UnsafeBufferPointer(start: value, count: end - value), as: UTF8.self)
    }

    /// Every attribute, prefixed names as written.
    var attributes: [(name: String, value: String)] {
        guard let rawAttributes else { return [] }
        return (0..<attributeCount).compactMap { index in
            let base = 5 * index
            guard let local = rawAttributes[base], let value = value(at: base) else { return nil }
            let prefix = rawAttributes[base + 1].map { String(cString: $0) + ":" } ?? ""
            return (prefix + String(cString: local), value)
        }
    }

    /// The namespace declarations, as `xmlns` and `xmlns:prefix` attributes.
    var declarations: [(name: String, value: String)] {
        guard let namespaces else { return [] }
        return (0..<namespaceCount).map { index in
            let prefix = namespaces[2 * index].map { String(cString: $0) }
            let target = namespaces[2 * index + 1].map { String(cString: $0) } ?? ""
            return (prefix.map { "xmlns:" + $0 } ?? "xmlns", target)
        }
    }
}

private func scannerStart(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?, _ namespaceCount: Int32,
    _ namespaces: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ attributeCount: Int32, _ defaulted: Int32,
    _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
) {
    guard let scanner = scannerOf(context), let localName else { return }
    let tag = StartTag(
        localName: localName, uri: uri, namespaceCount: Int(namespaceCount), namespaces: namespaces,
        attributeCount: Int(attributeCount), rawAttributes: attributes)
    let parser = context!.assumingMemoryBound(to: xmlParserCtxt.self)
    let closes = parser.pointee.input?.pointee.cur.map { $0[0] == UInt8(ascii: "/") } ?? false
    scanner.start(tag, closesAtOnce: closes)
}

private func scannerEnd(
    _ context: UnsafeMutableRawPointer?, _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?,
    _ uri: UnsafePointer<xmlChar>?
) {
    scannerOf(context)?.end()
}
