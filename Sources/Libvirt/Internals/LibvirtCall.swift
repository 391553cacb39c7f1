internal import CLibvirt

/// The one place that turns libvirt's return conventions into ``LibvirtError``.
///
/// libvirt keeps its last error per thread: every helper here reads it right after the call,
/// before anything else can run on this thread.
enum LibvirtCall {
    /// Loads libvirt (once: initialised for threads, stderr printing silenced), or says why it cannot.
    static func ensureLoaded() throws(LibvirtError) {
        if let reason = hostdev_virt_load_error() {
            throw LibvirtError(
                code: .noConnect,
                message:
                    "libvirt is not available (\(String(cString: reason))); install libvirt0 (apt-get install libvirt0)",
                operation: "load libvirt.so.0")
        }
    }

    /// Reads and clears this thread's last libvirt error.
    static func lastError(_ operation: () -> String) -> LibvirtError {
        guard let error = hostdev_virGetLastError() else {
            let name = operation()
            return LibvirtError(code: .internalError, message: "\(name) failed with no error set", operation: name)
        }
        let result = LibvirtError(
            code: .init(rawValue: error.pointee.code),
            domain: error.pointee.domain,
            message: error.pointee.message.map { String(cString: $0) } ?? "unknown libvirt error",
            operation: ""
        )
        hostdev_virResetLastError()
        // Evaluated only now: any libvirt call in it (a device's name) resets the last error.
        return LibvirtError(code: result.code, domain: result.domain, message: result.message, operation: operation())
    }

    /// Returns `value`, or throws this thread's last error when it is `nil`.
    static func check<T>(_ value: T?, _ operation: @autoclosure () -> String) throws(LibvirtError) -> T {
        guard let value else { throw lastError(operation) }
        return value
    }

    /// Returns `status`, or throws this thread's last error when it is negative.
    @discardableResult
    static func check(_ status: Int32, _ operation: @autoclosure () -> String) throws(LibvirtError) -> Int32 {
        guard status >= 0 else { throw lastError(operation) }
        return status
    }

    /// Copies a libvirt-owned C string and frees it.
    static func takeString(_ pointer: UnsafeMutablePointer<CChar>?, _ operation: @autoclosure () -> String)
        throws(LibvirtError)
        -> String
    {
        let pointer = try check(pointer, operation())
        defer { free(pointer) }
        return String(cString: pointer)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
