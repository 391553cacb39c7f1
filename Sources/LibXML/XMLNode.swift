internal import CLibXML2

#if canImport(Glibc)
    import Glibc
#endif

/// A view of one node of an ``XMLDocument``.
///
/// A node holds its document strongly, so the tree outlives every view of it. A view of a
/// node that was ``remove()``d must not be used again.
public struct XMLNode {
    /// The document this node belongs to.
    public let document: XMLDocument
    let pointer: xmlNodePtr

    init(document: XMLDocument, pointer: xmlNodePtr) {
        self.document = document
        self.pointer = pointer
    }

    /// The kinds of node a domain document holds.
    public enum Kind: Sendable, Equatable {
        case element, text, comment, cdata, processingInstruction, other
    }

    /// This node's kind.
    public var kind: Kind {
        switch pointer.pointee.type {
        case XML_ELEMENT_NODE: .element
        case XML_TEXT_NODE: .text
        case XML_COMMENT_NODE: .comment
        case XML_CDATA_SECTION_NODE: .cdata
        case XML_PI_NODE: .processingInstruction
        default: .other
        }
    }

    /// The local name (`hostdev`), or `text`/`comment` for those nodes.
    public var name: String { String(cString: pointer.pointee.name) }

    /// The name as written, with its prefix (`qemu:commandline`).
    public var qualifiedName: String {
        if let ns = pointer.pointee.ns, let prefix = ns.pointee.prefix {
            return String(cString: prefix) + ":" + name
        }
        return name
    }

    /// The namespace URI, if the element is in one.
    public var namespaceURI: String? {
        pointer.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
    }

    /// Whether this is an element called `name` in no namespace, as every element of libvirt's own
    /// vocabulary is (`<d:domain xmlns:d='…'>` is someone else's `domain`).
    public func isUnqualified(_ name: String) -> Bool {
        pointer.pointee.type == XML_ELEMENT_NODE && pointer.pointee.ns == nil && self.name == name
    }

    /// The start tag's name as a message shows it: the qualified name, and the namespace when the
    /// element is in one (`d:domain xmlns:d='urn:x'`).
    public var tagDescription: String {
        guard let uri = namespaceURI else { return qualifiedName }
        let prefix = pointer.pointee.ns?.pointee.prefix.map { ":" + String(cString: $0) } ?? ""
        return qualifiedName + " xmlns\(prefix)='\(uri)'"
    }

    /// The 1-based line the node starts on in the parsed input (for an element, the line of the `<`
    /// of its start tag), if known.
    public var line: Int? {
        if let position = document.position(of: pointer) { return position.line }
        let value = Int(xmlGetLineNo(pointer))
        return value > 0 ? value : nil
    }

    /// The 1-based column of the `<` of the start tag in the source text, if known.
    public var column: Int? { document.position(of: pointer)?.column }

    /// The parent element, if any.
    public var parent: XMLNode? {
        guard let parent = pointer.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return XMLNode(document: document, pointer: parent)
    }

    /// All child nodes, text and comments included, in document order.
    public var children: [XMLNode] { Self.siblings(from: pointer.pointee.children, in: document) }

    /// Views of a node and every sibling after it.
    static func siblings(from first: xmlNodePtr?, in document: XMLDocument) -> [XMLNode] {
        var nodes: [XMLNode] = []
        var current = first
        while let node = current {
            nodes.append(XMLNode(document: document, pointer: node))
            current = node.pointee.next
        }
        return nodes
    }

    /// The child elements, in document order.
    public var elements: [XMLNode] { children.filter { $0.kind == .element } }

    /// The child elements with a local name, in document order.
    public func elements(named name: String) -> [XMLNode] {
        name.withCString { wanted in
            var nodes: [XMLNode] = []
            var current = pointer.pointee.children
            while let node = current {
                if node.pointee.type == XML_ELEMENT_NODE, strcmp(node.pointee.name, wanted) == 0 {
                    nodes.append(XMLNode(document: document, pointer: node))
                }
                current = node.pointee.next
            }
            return nodes
        }
    }

    /// The first child element with a local name.
    public func firstElement(named name: String) -> XMLNode? {
        name.withCString { wanted in
            var current = pointer.pointee.children
            while let node = current {
                if node.pointee.type == XML_ELEMENT_NODE, strcmp(node.pointee.name, wanted) == 0 {
                    return XMLNode(document: document, pointer: node)
                }
                current = node.pointee.next
            }
            return nil
        }
    }

    /// The previous sibling node, of any kind.
    public var previousSibling: XMLNode? {
        pointer.pointee.prev.map { XMLNode(document: document, pointer: $0) }
    }

    /// The next sibling node, of any kind.
    public var nextSibling: XMLNode? {
        pointer.pointee.next.map { XMLNode(document: document, pointer: $0) }
    }

    /// The text content of the node and its descendants.
    public var textContent: String {
        // One text child, the usual case: read it in place rather than through a copy libxml2 allocates.
        if let child = pointer.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
            let content = child.pointee.content
        {
            return String(cString: content)
        }
        return takeXMLString(xmlNodeGetContent(pointer)) ?? ""
    }

    /// An attribute's value, by its unprefixed name.
    public func attribute(_ name: String) -> String? {
        guard let attribute = name.withCString({ xmlHasNsProp(pointer, $0, nil) }) else { return nil }
        if attribute.pointee.type == XML_ATTRIBUTE_NODE, let child = attribute.pointee.children,
            child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE, let content = child.pointee.content
        {
            return String(cString: content)
        }
        return takeXMLString(xmlGetNoNsProp(pointer, name))
    }

    /// The attributes in document order, as written (`prefix:name`, value).
    public var attributes: [(name: String, value: String)] {
        var result: [(String, String)] = []
        var current = pointer.pointee.properties
        while let attribute = current {
            var name = String(cString: attribute.pointee.name)
            if let ns = attribute.pointee.ns, let prefix = ns.pointee.prefix {
                name = String(cString: prefix) + ":" + name
            }
            let value = takeXMLString(xmlNodeListGetString(pointer.pointee.doc, attribute.pointee.children, 1))
            result.append((name, value ?? ""))
            current = attribute.pointee.next
        }
        return result
    }

    /// Sets (or adds, at the end) an unprefixed attribute.
    public func setAttribute(_ name: String, _ value: String) {
        if !hostdev_is_new(pointer).isTrue { document.noteEditInPlace(of: pointer) }
        xmlSetProp(pointer, name, value)
    }

    /// Removes an unprefixed attribute, if present.
    public func removeAttribute(_ name: String) {
        if let attribute = xmlHasNsProp(pointer, name, nil) {
            document.noteEditInPlace(of: pointer)
            xmlRemoveProp(attribute)
        }
    }

    /// Identity: two views of the same node are equal.
    public func isSame(as other: XMLNode) -> Bool { pointer == other.pointer }
}

extension Int32 {
    var isTrue: Bool { self != 0 }
}
