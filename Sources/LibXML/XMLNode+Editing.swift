internal import CLibXML2

/// Tree editing: new nodes are created inside the document, in place, so none is ever orphaned.
extension XMLNode {
    /// Appends a new element as the last child.
    /// - Parameters:
    ///   - name: the local name.
    ///   - attributes: attributes in the order they are written.
    ///   - namespace: a namespace URI and prefix to declare on the new element.
    ///   - text: text content, escaped as needed.
    @discardableResult
    public func appendElement(
        _ name: String, attributes: [(String, String)] = [], namespace: (uri: String, prefix: String)? = nil,
        text: String? = nil
    ) -> XMLNode {
        let child = xmlNewDocNode(pointer.pointee.doc, nil, name, nil)!
        hostdev_mark_new(child)
        xmlAddChild(pointer, child)
        let node = XMLNode(document: document, pointer: child)
        node.fill(attributes: attributes, namespace: namespace, text: text)
        return node
    }

    /// Inserts a new element right before this node.
    @discardableResult
    public func insertElementBefore(
        _ name: String, attributes: [(String, String)] = [], namespace: (uri: String, prefix: String)? = nil,
        text: String? = nil
    ) -> XMLNode {
        let sibling = xmlNewDocNode(pointer.pointee.doc, nil, name, nil)!
        hostdev_mark_new(sibling)
        xmlAddPrevSibling(pointer, sibling)
        let node = XMLNode(document: document, pointer: sibling)
        node.fill(attributes: attributes, namespace: namespace, text: text)
        return node
    }

    private func fill(attributes: [(String, String)], namespace: (uri: String, prefix: String)?, text: String?) {
        if let namespace {
            let ns = xmlNewNs(pointer, namespace.uri, namespace.prefix)
            xmlSetNs(pointer, ns)
        }
        for (name, value) in attributes { xmlNewProp(pointer, name, value) }
        if let text { appendText(text) }
    }

    /// A new text node of this document, marked as added.
    private func newText(_ text: String) -> xmlNodePtr {
        let node = xmlNewDocText(pointer.pointee.doc, text)!
        hostdev_mark_new(node)
        return node
    }

    /// Appends a text node (whitespace, typically) as the last child.
    public func appendText(_ text: String) {
        xmlAddChild(pointer, newText(text))
    }

    /// Inserts a text node right before this node.
    public func insertTextBefore(_ text: String) {
        xmlAddPrevSibling(pointer, newText(text))
    }

    /// Inserts a text node right after this node.
    public func insertTextAfter(_ text: String) {
        xmlAddNextSibling(pointer, newText(text))
    }

    /// Unlinks this node from the tree and frees it. Do not use this view afterwards.
    public func remove() {
        document.noteEditInPlace(of: pointer.pointee.parent)
        xmlUnlinkNode(pointer)
        xmlFreeNode(pointer)
    }

    /// Serializes this node alone, exactly as ``XMLDocument/serialized()`` would write it.
    public func serialized() -> String {
        guard let buffer = xmlBufferCreate() else { return "" }
        defer { xmlBufferFree(buffer) }
        xmlNodeDump(buffer, pointer.pointee.doc, pointer, 0, 0)
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }

    /// Puts this element in the namespace of `other` (declared there), without declaring it again.
    public func setNamespace(of other: XMLNode) {
        if !hostdev_is_new(pointer).isTrue { document.noteEditInPlace(of: pointer) }
        xmlSetNs(pointer, other.pointer.pointee.ns)
    }

    /// Appends a deep copy of `node` (from any document) as the last element child, on its own line.
    @discardableResult
    public func appendIndentedCopy(of node: XMLNode) -> XMLNode {
        let placeholder = appendIndentedElement("copy")
        let copy = xmlDocCopyNode(node.pointer, pointer.pointee.doc, 1)!
        hostdev_mark_new(copy)
        xmlReplaceNode(placeholder.pointer, copy)
        xmlFreeNode(placeholder.pointer)
        xmlReconciliateNs(pointer.pointee.doc, copy)
        return XMLNode(document: document, pointer: copy)
    }
}
