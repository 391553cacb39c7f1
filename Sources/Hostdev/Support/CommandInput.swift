import LibXML

/// What the command-line tool reads besides domains and requests: input files (or standard input)
/// with a size bound, and libvirt's domain schema. It needs nothing else of LibXML.
public enum CommandInput {
    /// Where libvirt installs its RELAX NG schemas.
    public static var libvirtSchemaDirectory: String { RelaxNGSchema.libvirtSchemaDirectory }

    /// Reads a file, or standard input for `-`, whole; more than `limit` bytes is an error.
    public static func read(_ path: String, limit: Int = ParseLimits.standard.maxBytes) throws(XMLError) -> [UInt8] {
        try XMLInput.readBytes(path: path, limits: ParseLimits(maxBytes: limit))
    }

    /// Reads a file, or standard input for `-`, to its end and keeps nothing of it.
    public static func discard(_ path: String) throws(XMLError) {
        try XMLInput.forEachChunk(path: path) { _ in }
    }

    /// libvirt's `domain.rng` from a schema directory, compiled once.
    public static func libvirtDomainSchema(directory: String) throws(XMLError) -> RelaxNGSchema {
        try RelaxNGSchema.libvirtDomain(directory: directory)
    }
}
