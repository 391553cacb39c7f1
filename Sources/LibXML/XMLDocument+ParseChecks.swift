internal import CLibXML2

/// The checks around a hardened parse: bounds before it, the error that explains a failure after it.
extension XMLDocument {
    /// Refuses an input with more elements, or an element with more attributes, than `limits`
    /// allow, in one linear pass before libxml2 parses it.
    static func checkCounts(_ bytes: [UInt8], source: String?, limits: ParseLimits) throws(XMLError) {
        var result = hostdev_scan_result()
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            hostdev_prescan(base, buffer.count, max(limits.maxElements, 0), max(limits.maxAttributes, 0), &result)
        }
        let line = Int(result.line)
        let column = Int(result.column)
        switch result.exceeded {
        case 1:
            throw XMLError(
                .tooLarge, "more than \(limits.maxElements) elements (the limit; no real document needs as many)",
                file: source, line: line, column: column)
        case 2:
            throw XMLError(
                .tooLarge,
                "an element with more than \(limits.maxAttributes) attributes (the limit; no real document needs as many)",
                file: source, line: line, column: column)
        default:
            return
        }
    }

    /// The first error libxml2 raised (a later one is often only its consequence), or the last one
    /// when none was caught.
    static func firstError(_ record: hostdev_dtd_guard, parser: xmlParserCtxtPtr, source: String?) -> XMLError {
        guard record.firstErrorLevel > 0 else {
            return LibXMLRuntime.error(.malformed, from: xmlCtxtGetLastError(parser), file: source)
        }
        let message = withUnsafeBytes(of: record.firstErrorMessage) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return XMLError(
            .malformed, message.libxmlReason, file: source,
            line: record.firstErrorLine > 0 ? Int(record.firstErrorLine) : nil,
            column: record.firstErrorColumn > 0 ? Int(record.firstErrorColumn) : nil)
    }
}
