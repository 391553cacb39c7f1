internal import CLibXML2

/// XPath queries over a document.
extension XMLDocument {
    /// Evaluates an XPath expression and returns the element, text or comment nodes it selects.
    /// - Parameters:
    ///   - expression: the XPath expression.
    ///   - context: the node relative paths start from; the document when `nil`.
    ///   - namespaces: prefixes the expression uses, mapped to namespace URIs.
    public func select(_ expression: String, from context: XMLNode? = nil, namespaces: [String: String] = [:])
        throws(XMLError) -> [XMLNode]
    {
        LibXMLRuntime.ensureInitialized()
        guard let xpath = xmlXPathNewContext(pointer) else {
            throw XMLError(.xpath, "libxml2 could not allocate an XPath context")
        }
        defer { xmlXPathFreeContext(xpath) }
        for (prefix, uri) in namespaces { xmlXPathRegisterNs(xpath, prefix, uri) }
        let result: xmlXPathObjectPtr? =
            if let context {
                xmlXPathNodeEval(context.pointer, expression, xpath)
            } else {
                xmlXPathEvalExpression(expression, xpath)
            }
        guard let result else {
            var error = XMLError(.xpath, "invalid XPath expression '\(expression)'")
            if let message = xpath.pointee.lastError.message {
                error.reason += ": " + String(cString: message).trimmingTrailingNewlines()
            }
            throw error
        }
        defer { xmlXPathFreeObject(result) }
        guard result.pointee.type == XPATH_NODESET, let set = result.pointee.nodesetval else { return [] }
        var nodes: [XMLNode] = []
        nodes.reserveCapacity(Int(set.pointee.nodeNr))
        for index in 0..<Int(set.pointee.nodeNr) {
            guard let node = set.pointee.nodeTab[index] else { continue }
            switch node.pointee.type {
            case XML_ELEMENT_NODE, XML_TEXT_NODE, XML_COMMENT_NODE, XML_CDATA_SECTION_NODE, XML_PI_NODE:
                nodes.append(XMLNode(document: self, pointer: node))
            default:
                continue
            }
        }
        return nodes
    }

    /// Evaluates an XPath expression to a string (`string(…)`, `count(…)`, attribute values).
    public func evaluateString(
        _ expression: String, from context: XMLNode? = nil, namespaces: [String: String] = [:]
    ) throws(XMLError) -> String {
        LibXMLRuntime.ensureInitialized()
        guard let xpath = xmlXPathNewContext(pointer) else {
            throw XMLError(.xpath, "libxml2 could not allocate an XPath context")
        }
        defer { xmlXPathFreeContext(xpath) }
        for (prefix, uri) in namespaces { xmlXPathRegisterNs(xpath, prefix, uri) }
        if let context { xpath.pointee.node = context.pointer }
        guard let result = xmlXPathEvalExpression(expression, xpath) else {
            throw XMLError(.xpath, "invalid XPath expression '\(expression)'")
        }
        defer { xmlXPathFreeObject(result) }
        return takeXMLString(xmlXPathCastToString(result)) ?? ""
    }
}
