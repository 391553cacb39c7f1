internal import CLibXML2

/// Writing an edited document as its source bytes with the added nodes spliced in.
extension XMLDocument {
    /// A change to the source bytes: at `offset`, drop `removing` bytes and put `bytes`.
    private struct Splice {
        var offset: Int
        var removing: Int
        var bytes: [UInt8]
    }

    /// The source with every run of added nodes spliced in where it stands in the tree, or `nil` when
    /// an edit is of a kind this cannot place (the caller then lets libxml2 write the tree).
    func splicedSource() -> [UInt8]? {
        guard !bytes.isEmpty,
            pointer.pointee.encoding == nil || String(cString: pointer.pointee.encoding).uppercased() == "UTF-8",
            let root = xmlDocGetRootElement(pointer)
        else { return nil }
        var current = pointer.pointee.children
        while let node = current {
            if hostdev_is_new(node) != 0 { return nil }
            current = node.pointee.next
        }
        var splices: [Splice] = []
        guard collectSplices(in: root, into: &splices) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + splices.reduce(0) { $0 + $1.bytes.count })
        var position = 0
        for splice in splices.sorted(by: { $0.offset < $1.offset }) {
            guard splice.offset >= position, splice.offset + splice.removing <= bytes.count else { return nil }
            output.append(contentsOf: bytes[position..<splice.offset])
            output.append(contentsOf: splice.bytes)
            position = splice.offset + splice.removing
        }
        output.append(contentsOf: bytes[position...])
        return output
    }

    /// Offsets just past the start tag and just past the end tag of a parsed element.
    private func offsets(_ node: xmlNodePtr) -> (start: Int, end: Int)? {
        let start = hostdev_start_tag_end(node)
        let end = hostdev_end_tag_end(node)
        guard start > 0, end > 0, end <= bytes.count + 1 else { return nil }
        return (Int(start) - 1, Int(end) - 1)
    }

    private func collectSplices(in element: xmlNodePtr, into splices: inout [Splice]) -> Bool {
        guard let own = offsets(element) else { return false }
        var previous: xmlNodePtr?
        var child = element.pointee.children
        while let current = child {
            guard hostdev_is_new(current) != 0 else {
                if current.pointee.type == XML_ELEMENT_NODE, !collectSplices(in: current, into: &splices) {
                    return false
                }
                previous = current
                child = current.pointee.next
                continue
            }
            var run: [xmlNodePtr] = []
            var cursor: xmlNodePtr? = current
            while let node = cursor, hostdev_is_new(node) != 0 {
                run.append(node)
                cursor = node.pointee.next
            }
            let text = dump(run)
            if let previous {
                // New nodes go right after a parsed element; after text or a comment, the place is unknown.
                guard previous.pointee.type == XML_ELEMENT_NODE, let after = offsets(previous) else { return false }
                splices.append(Splice(offset: after.end, removing: 0, bytes: text))
            } else if own.start == own.end {
                // `<devices/>`: open it, put the children in, close it.
                guard cursor == nil, own.end >= 2, bytes[own.end - 2] == UInt8(ascii: "/") else { return false }
                let name = XMLNode(document: self, pointer: element).qualifiedName
                splices.append(
                    Splice(
                        offset: own.end - 2, removing: 2, bytes: [UInt8(ascii: ">")] + text + Array("</\(name)>".utf8)))
            } else {
                splices.append(Splice(offset: own.start, removing: 0, bytes: text))
            }
            previous = run.last
            child = cursor
        }
        return true
    }

    /// libxml2's serialization of some sibling nodes, concatenated.
    private func dump(_ nodes: [xmlNodePtr]) -> [UInt8] {
        guard let buffer = xmlBufferCreate() else { return [] }
        defer { xmlBufferFree(buffer) }
        for node in nodes { xmlNodeDump(buffer, pointer, node, 0, 0) }
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return [] }
        let written = Array(UnsafeBufferPointer(start: content, count: count))
        let quoted = prefersSingleQuotes ? Self.singleQuoted(written) : written
        return endsLinesWithCRLF ? Self.crlf(quoted) : quoted
    }

    /// Whether the source ends its lines with CR LF (its first line break decides): libxml2 reads
    /// them as LF, so the added lines get the CR back.
    private var endsLinesWithCRLF: Bool {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return false }
        return newline > bytes.startIndex && bytes[newline - 1] == UInt8(ascii: "\r")
    }

    /// Every LF as CR LF.
    static func crlf(_ written: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(written.count + written.count / 16)
        for byte in written {
            if byte == UInt8(ascii: "\n") { output.append(UInt8(ascii: "\r")) }
            output.append(byte)
        }
        return output
    }

    /// Whether the source writes attributes in single quotes, as libvirt does.
    private var prefersSingleQuotes: Bool {
        var single = 0
        var double = 0
        for index in bytes.indices.dropLast() where bytes[index] == UInt8(ascii: "=") {
            if bytes[index + 1] == UInt8(ascii: "'") {
                single += 1
            } else if bytes[index + 1] == UInt8(ascii: "\"") {
                double += 1
            }
        }
        return single > double
    }

    /// libxml2's `name="value"` attributes in tags rewritten as `name='value'`, where the value holds
    /// no `'`. Text outside tags is left alone.
    static func singleQuoted(_ written: [UInt8]) -> [UInt8] {
        var output = written
        var index = 0
        var inTag = false
        while index < output.count {
            let byte = output[index]
            if !inTag {
                if byte == UInt8(ascii: "<") { inTag = true }
                index += 1
                continue
            }
            if byte == UInt8(ascii: ">") {
                inTag = false
            } else if byte == UInt8(ascii: "\""), index > 0, output[index - 1] == UInt8(ascii: "="),
                let close = output[(index + 1)...].firstIndex(of: UInt8(ascii: "\""))
            {
                if !output[(index + 1)..<close].contains(UInt8(ascii: "'")) {
                    output[index] = UInt8(ascii: "'")
                    output[close] = UInt8(ascii: "'")
                }
                index = close
            }
            index += 1
        }
        return output
    }
}
