internal import CLibXML2

extension XMLDocument {
    /// Records an edit of a parsed element in place: the document can no longer be written by
    /// splicing, and ``XMLNode/changedSubtrees()`` names the element.
    func noteEditInPlace(of element: xmlNodePtr?) {
        needsFullSerialization = true
        if let element { editedInPlace.insert(element) }
    }
}

extension XMLNode {
    /// Whether a program added this node (it was not parsed from the input).
    public var isAdded: Bool { hostdev_is_new(pointer) != 0 }

    /// Everything a program changed in this element: itself when changed in place, every added element whose parent was not
    /// added itself, the parent of every added text that is not blank, and every element changed in
    /// place (an attribute set or removed, its namespace set, a child removed).
    public func changedSubtrees() -> [XMLNode] {
        var found: [XMLNode] = document.editedInPlace.contains(pointer) ? [self] : []
        collectChanged(below: pointer, into: &found)
        return found
    }

    private func collectChanged(below parent: xmlNodePtr, into found: inout [XMLNode]) {
        var child = parent.pointee.children
        while let node = child {
            defer { child = node.pointee.next }
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                if hostdev_is_new(node) != 0 {
                    found.append(XMLNode(document: document, pointer: node))
                } else {
                    if document.editedInPlace.contains(node) {
                        found.append(XMLNode(document: document, pointer: node))
                    }
                    collectChanged(below: node, into: &found)
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if hostdev_is_new(node) != 0, xmlIsBlankNode(node) == 0,
                    !found.contains(where: { $0.pointer == parent })
                {
                    found.append(XMLNode(document: document, pointer: parent))
                }
            default: break
            }
        }
    }
}
