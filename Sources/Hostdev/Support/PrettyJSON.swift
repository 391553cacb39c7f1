import FoundationEssentials

/// The one JSON form every command and the C interface write: pretty-printed, keys sorted, slashes
/// as they are. (hostdev's reports hold no value JSON cannot encode; `{}` stands for one that did.)
package enum PrettyJSON {
    package static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
