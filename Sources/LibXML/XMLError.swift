/// An error from the XML layer, with the place in the input it refers to.
///
/// Errors compare by ``code``; the reason and the location are context.
public struct XMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Equatable {
        /// The input is not well-formed XML.
        case malformed
        /// The input carries a DOCTYPE, which hardened parsing refuses.
        case doctypeRefused
        /// The input is larger than the configured bound.
        case tooLarge
        /// The input could not be read.
        case unreadable
        /// The input is a named pipe, a device or a socket where only a regular file is read.
        case notRegularFile
        /// An XPath expression could not be compiled or evaluated.
        case xpath
        /// A RELAX NG schema could not be loaded or compiled.
        case schema
        /// The document could not be serialized.
        case serialization
    }

    /// What kind of failure this is.
    public var code: Code
    /// A one-line reason, usually libxml2's own message.
    public var reason: String
    /// The file the input came from (`-` for standard input), when known.
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

    /// `FILE:LINE:COLUMN: reason`, leaving out what is unknown.
    public var description: String { SourcePlace.prefix(file: file, line: line, column: column) + reason }

    public static func == (lhs: XMLError, rhs: XMLError) -> Bool { lhs.code == rhs.code }
}

/// `FILE:LINE:COLUMN: `, the place prefix of every message that points into an input.
public enum SourcePlace {
    /// The prefix, leaving out what is unknown (a line without a file is still shown); empty when
    /// nothing is known.
    public static func prefix(file: String?, line: Int?, column: Int?) -> String {
        var place = file.map { $0 + ":" } ?? ""
        if let line {
            place += "\(line):"
            if let column { place += "\(column):" }
        }
        return place.isEmpty ? "" : place + " "
    }
}
