internal import CLibXML2

#if canImport(Glibc)
    import Glibc
#endif

/// The checks around a hardened parse: bounds before it, the error that explains a failure after it.
extension XMLDocument {
    /// Refuses an input with more nodes (elements, comments, processing instructions, CDATA
    /// sections), or an element with more attributes, than `limits` allow, in one linear pass before
    /// libxml2 parses it; and a NUL byte anywhere in an input that is not UTF-16 (libxml2 takes a NUL
    /// after the root element for the end of the input, and what follows would pass unread).
    static func checkCounts(_ bytes: [UInt8], source: String?, limits: ParseLimits) throws(XMLError) {
        try checkNoNUL(bytes, source: source)
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
                .tooLarge,
                "more than \(limits.maxElements) elements, comments and processing instructions "
                    + "(the limit; no real document needs as many)",
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

    /// Refuses a NUL byte, which XML allows nowhere, naming its line and column; UTF-16 input (a
    /// byte-order mark, or `<` as a 16-bit unit) holds NUL bytes in its characters and is left to
    /// libxml2.
    private static func checkNoNUL(_ bytes: [UInt8], source: String?) throws(XMLError) {
        let head = bytes.prefix(2)
        guard head != [0xFE, 0xFF], head != [0xFF, 0xFE], head != [0x3C, 0x00], head != [0x00, 0x3C] else { return }
        let found: Int? = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, let hit = memchr(base, 0, raw.count) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        guard let offset = found else { return }
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        // In Unicode scalars, as every column hostdev reports (a continuation byte starts none).
        let column = 1 + bytes[lineStart..<offset].filter { $0 & 0xC0 != 0x80 }.count
        throw XMLError(
            .malformed, "a NUL byte, which XML allows nowhere", file: source, line: line, column: column)
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
