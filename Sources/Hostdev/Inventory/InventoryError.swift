import LibXML

/// Why a host inventory could not be built or a device could not be found.
public struct InventoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// A file or directory of the source could not be read.
        case unreadable
        /// The source's content does not describe devices as expected.
        case malformed
        /// libvirt refused or failed.
        case libvirt
        /// The operation is not supported by this connection (the test driver's detach).
        case unsupported
    }

    /// What went wrong.
    public var code: Code
    /// The reason, in one line.
    public var reason: String
    /// The file, when one is involved.
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { SourcePlace.prefix(file: file, line: line, column: column) + reason }

    public static func == (lhs: InventoryError, rhs: InventoryError) -> Bool { lhs.code == rhs.code }
}
