/// Indentation that matches the surrounding document, for elements a program adds.
extension XMLNode {
    /// The whitespace that precedes this node's line, taken from the text node before it
    /// (`"    "` for a child of `<devices>` indented by four spaces), if it sits on a line of its own.
    public var leadingIndentation: String? {
        guard let previous = previousSibling, previous.kind == .text else { return nil }
        let text = previous.textContent
        guard let newline = text.lastIndex(of: "\n") else { return nil }
        let indentation = text[text.index(after: newline)...]
        return indentation.allSatisfy({ $0 == " " || $0 == "\t" }) ? String(indentation) : nil
    }

    /// The indentation of this element's children, from its existing element children, or one step
    /// (`step`) deeper than its own.
    public func childIndentation(step: String = "  ") -> String {
        if let child = elements.last, let indentation = child.leadingIndentation { return indentation }
        return (leadingIndentation ?? "") + step
    }

    /// Appends an element as the last element child, on its own line at its siblings' indentation,
    /// keeping the closing tag's own indentation.
    ///
    /// Build its content with ``appendIndentedElement(_:attributes:text:)`` on the returned node too,
    /// so the whole subtree is laid out like the rest of the document.
    @discardableResult
    public func appendIndentedElement(
        _ name: String, attributes: [(String, String)] = [], namespace: (uri: String, prefix: String)? = nil,
        text: String? = nil
    ) -> XMLNode {
        let indentation = childIndentation(step: indentationStep)
        let closing = leadingIndentation ?? ""
        if let last = children.last, last.kind == .text, last.textContent.allSatisfy(\.isWhitespace) {
            // `…<last/>\n  </devices>`: put the new element before the closing line's whitespace, then
            // its own line break before it (libxml2 merges adjacent text nodes, so the order matters).
            let node = last.insertElementBefore(name, attributes: attributes, namespace: namespace, text: text)
            node.insertTextBefore("\n" + indentation)
            return node
        }
        appendText("\n" + indentation)
        let node = appendElement(name, attributes: attributes, namespace: namespace, text: text)
        appendText("\n" + closing)
        return node
    }

    /// The document's indentation unit, from the difference between this element's and its
    /// children's indentation, or two spaces, libvirt's own.
    var indentationStep: String {
        var node: XMLNode? = self
        while let current = node {
            if let own = current.leadingIndentation, let child = current.elements.last?.leadingIndentation,
                child.count > own.count, child.hasPrefix(own)
            {
                return String(child.dropFirst(own.count))
            }
            node = current.parent
        }
        return "  "
    }

    /// Inserts an element right after `sibling` (a child of this element), on its own line at the
    /// sibling's indentation.
    @discardableResult
    public func insertIndentedElement(
        _ name: String, after sibling: XMLNode, attributes: [(String, String)] = [],
        namespace: (uri: String, prefix: String)? = nil
    ) -> XMLNode {
        let indentation = sibling.leadingIndentation ?? childIndentation(step: indentationStep)
        guard let next = sibling.nextSibling else {
            return appendIndentedElement(name, attributes: attributes, namespace: namespace)
        }
        let node = next.insertElementBefore(name, attributes: attributes, namespace: namespace)
        node.insertTextBefore("\n" + indentation)
        return node
    }
}
