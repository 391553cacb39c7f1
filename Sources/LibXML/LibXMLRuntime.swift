internal import CLibXML2

/// One-time libxml2 set-up: parser globals initialised, stray error printing silenced, and local
/// files libxml2 opens itself (schemas) opened without blocking.
enum LibXMLRuntime {
    private static let initialized: Bool = {
        xmlInitParser()
        hostdev_silence_generic_errors()
        // Schema files are opened without blocking, and only regular files are read.
        hostdev_register_local_input()
        return true
    }()

    /// Call before any libxml2 use; cheap after the first call.
    static func ensureInitialized() {
        _ = initialized
        // The generic error handler is per thread in libxml2.
        hostdev_silence_generic_errors()
    }

    /// Turns a libxml2 error record into an ``XMLError``.
    static func error(_ code: XMLError.Code, from record: UnsafePointer<xmlError>?, file: String?) -> XMLError {
        guard let record else { return XMLError(code, "unknown libxml2 error", file: file) }
        let message = record.pointee.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        let line = Int(record.pointee.line)
        let column = Int(record.pointee.int2)
        return XMLError(
            code,
            message.libxmlReason,
            file: file ?? record.pointee.file.map { String(cString: $0) },
            line: line > 0 ? line : nil,
            column: column > 0 ? column : nil
        )
    }
}

extension String {
    /// A libxml2 message as one line of a reason, without the bytes of the input some messages
    /// quote (`Bytes: 0xC3 0x28 …`, which may run past the line the error points at).
    var libxmlReason: String {
        let parts = split(separator: "\n", omittingEmptySubsequences: true)
        return parts.filter { !$0.hasPrefix("Bytes:") }.joined(separator: " ").trimmingTrailingNewlines()
    }

    func trimmingTrailingNewlines() -> String {
        var result = self
        while let last = result.last, last.isNewline || last == " " { result.removeLast() }
        return result
    }
}

/// Copies a libxml2-owned string and frees it.
func takeXMLString(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
    guard let pointer else { return nil }
    defer { hostdev_xml_free(pointer) }
    return String(cString: pointer)
}
