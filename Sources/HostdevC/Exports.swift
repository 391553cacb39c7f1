import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

// The C interface of libhostdev.so, declared in include/hostdev.h: each function copies its
// arguments, runs one of ``EmbeddedCalls`` and hands back malloc'ed strings.

/// `int hostdev_transform(const char *domain_xml, const char *request_json, const char *host,
/// const char *options_json, char **out_xml, char **out_report_json)`.
@_cdecl("hostdev_transform")
public func hostdevTransform(
    _ domainXML: UnsafePointer<CChar>?, _ requestJSON: UnsafePointer<CChar>?, _ host: UnsafePointer<CChar>?,
    _ optionsJSON: UnsafePointer<CChar>?, _ outXML: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ outReportJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let outcome = CString.withHost(host) { host in
        EmbeddedCalls.transform(
            domainXML: CString.bytes(domainXML),
            requestJSON: CString.bytes(requestJSON, limit: VMCreateRequest.maxBytes),
            host: host, optionsJSON: CString.bytes(optionsJSON, limit: EmbeddedOptions.maxBytes))
    }
    outXML?.pointee = outcome.output.map(CString.copy)
    outReportJSON?.pointee = CString.copy(Array(outcome.report.utf8))
    return outcome.code
}

/// `int hostdev_lint(const char *domain_xml, const char *host, const char *options_json,
/// char **out_report_json)`.
@_cdecl("hostdev_lint")
public func hostdevLint(
    _ domainXML: UnsafePointer<CChar>?, _ host: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?,
    _ outReportJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let outcome: CallOutcome
    if let xml = CString.bytes(domainXML) {
        outcome = CString.withHost(host) { host in
            EmbeddedCalls.lint(
                domainXML: xml, host: host, optionsJSON: CString.bytes(optionsJSON, limit: EmbeddedOptions.maxBytes))
        }
    } else {
        outcome = CallFailure.input("domain_xml is NULL: give the domain to lint").outcome
    }
    outReportJSON?.pointee = CString.copy(Array(outcome.report.utf8))
    return outcome.code
}

/// `int hostdev_list(const char *host, const char *options_json, char **out_json)`: the listing,
/// or the error report for codes 2 and 3.
@_cdecl("hostdev_list")
public func hostdevList(
    _ host: UnsafePointer<CChar>?, _ optionsJSON: UnsafePointer<CChar>?,
    _ outJSON: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 {
    let outcome = CString.withHost(host) { host in
        EmbeddedCalls.list(host: host, optionsJSON: CString.bytes(optionsJSON, limit: EmbeddedOptions.maxBytes))
    }
    outJSON?.pointee = CString.copy(Array(outcome.report.utf8))
    return outcome.code
}

/// `void hostdev_free(char *)`: frees a string the library returned.
@_cdecl("hostdev_free")
public func hostdevFree(_ string: UnsafeMutablePointer<CChar>?) {
    free(string)
}

/// `const char *hostdev_version(void)`: the release, static.
@_cdecl("hostdev_version")
public func hostdevVersionString() -> UnsafePointer<CChar> {
    UnsafePointer(CString.version)
}

/// Copies between C strings and Swift bytes.
enum CString {
    /// The release as a C string, made once and never freed.
    nonisolated(unsafe) static let version: UnsafeMutablePointer<CChar> = strdup(hostdevVersion)!

    /// The bytes of a NUL-terminated string, without the NUL; `nil` for `NULL`. With a `limit`, at
    /// most `limit + 1` bytes are read and copied: enough for the reader to refuse a longer string
    /// without holding all of it.
    static func bytes(_ pointer: UnsafePointer<CChar>?, limit: Int? = nil) -> [UInt8]? {
        guard let pointer else { return nil }
        let count = limit.map { strnlen(pointer, $0 + 1) } ?? strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) {
            Array(UnsafeBufferPointer(start: $0, count: count))
        }
    }

    /// The string, decoded as UTF-8; `nil` for `NULL`. Bytes that are not UTF-8 are bad input,
    /// never replaced: a path with a replacement character is another path.
    static func string(_ pointer: UnsafePointer<CChar>?, argument: String) throws(CallFailure) -> String? {
        guard let bytes = bytes(pointer) else { return nil }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw CallFailure.input("\(argument) is not valid UTF-8")
        }
        return string
    }

    /// Runs a call with its host argument decoded, or answers bad input (2) when it is not UTF-8.
    static func withHost(_ pointer: UnsafePointer<CChar>?, _ call: (String?) -> CallOutcome) -> CallOutcome {
        do throws(CallFailure) {
            return call(try string(pointer, argument: "host"))
        } catch {
            return error.outcome
        }
    }

    /// A malloc'ed NUL-terminated copy, for the caller to free with `hostdev_free`.
    static func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar> {
        let pointer = malloc(bytes.count + 1)!.bindMemory(to: CChar.self, capacity: bytes.count + 1)
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { memcpy(pointer, base, bytes.count) }
        }
        pointer[bytes.count] = 0
        return pointer
    }
}
