/// A failure reported by libvirt: its error code, the subsystem it came from, and its message.
///
/// Errors compare by ``code``.
public struct LibvirtError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libvirt's `virErrorNumber`.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `VIR_ERR_INTERNAL_ERROR`.
        public static let internalError = Code(rawValue: 1)
        /// `VIR_ERR_NO_SUPPORT`: the driver cannot do this (the test driver's answer to detach).
        public static let noSupport = Code(rawValue: 3)
        /// `VIR_ERR_NO_CONNECT`: no driver for the URI.
        public static let noConnect = Code(rawValue: 5)
        /// `VIR_ERR_INVALID_ARG`.
        public static let invalidArgument = Code(rawValue: 8)
        /// `VIR_ERR_OPERATION_FAILED`.
        public static let operationFailed = Code(rawValue: 9)
        /// `VIR_ERR_XML_ERROR`: the XML is malformed.
        public static let xmlError = Code(rawValue: 27)
        /// `VIR_ERR_OPERATION_INVALID`.
        public static let operationInvalid = Code(rawValue: 55)
        /// `VIR_ERR_NO_DOMAIN`.
        public static let noDomain = Code(rawValue: 42)
        /// `VIR_ERR_SYSTEM_ERROR`.
        public static let systemError = Code(rawValue: 38)
        /// `VIR_ERR_NO_NODE_DEVICE`.
        public static let noNodeDevice = Code(rawValue: 53)
        /// `VIR_ERR_XML_INVALID_SCHEMA`: the XML does not validate against libvirt's schema.
        public static let xmlInvalidSchema = Code(rawValue: 92)
        /// `VIR_ERR_OPERATION_UNSUPPORTED`.
        public static let operationUnsupported = Code(rawValue: 84)
    }

    /// libvirt's error code.
    public var code: Code
    /// libvirt's `virErrorDomain`: the subsystem that raised it.
    public var domain: Int32
    /// libvirt's message.
    public var message: String
    /// The API call that failed (`virConnectOpen`), for context.
    public var operation: String

    /// Creates an error.
    public init(code: Code, domain: Int32 = 0, message: String, operation: String) {
        self.code = code
        self.domain = domain
        self.message = message
        self.operation = operation
    }

    public var description: String { "\(operation): \(message)" }

    public static func == (lhs: LibvirtError, rhs: LibvirtError) -> Bool { lhs.code == rhs.code }
}
