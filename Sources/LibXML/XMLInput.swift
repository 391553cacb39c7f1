/// Reading inputs (files or `-` for standard input) with a size bound, for callers that parse them
/// with something other than ``XMLDocument`` (JSON parameters, logs).
public enum XMLInput {
    /// Reads a whole file, or standard input for `-`, refusing more than `limits.maxBytes`.
    public static func readBytes(path: String, limits: ParseLimits = .standard) throws(XMLError) -> [UInt8] {
        try InputReading.read(path: path, limits: limits)
    }

    /// Reads everything from an open descriptor, refusing more than `limits.maxBytes`; `name` is
    /// for messages.
    public static func readBytes(descriptor: Int32, name: String, limits: ParseLimits) throws(XMLError) -> [UInt8] {
        try InputReading.read(descriptor: descriptor, name: name, limits: limits)
    }

    /// Hands a file, or standard input for `-`, to `body` in chunks, for inputs read as a stream
    /// (logs) whatever their size.
    public static func forEachChunk(path: String, _ body: (UnsafeRawBufferPointer) -> Void) throws(XMLError) {
        try InputReading.forEachChunk(path: path, body)
    }
}
