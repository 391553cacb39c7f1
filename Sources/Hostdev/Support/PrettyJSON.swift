/// The one JSON form every command and the C interface write: pretty-printed with two spaces,
/// `"key" : value`, keys sorted by their UTF-8 bytes, slashes as they are, control characters
/// escaped, an empty container as `{` and `}` (or `[` and `]`) around an empty line. These are
/// Foundation's `JSONEncoder` bytes for `[.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]`
/// (a test holds the two together), written without its intermediate values. hostdev's reports hold
/// no value JSON cannot encode; `{}` stands for one that did (a non-finite number).
package enum PrettyJSON {
    /// The JSON text of a value.
    package static func encode(_ value: some Encodable) -> String {
        do {
            let tree = try JSONTree.of(value)
            var output = JSONOutput()
            output.write(tree)
            return output.text
        } catch {
            return "{}"
        }
    }
}
