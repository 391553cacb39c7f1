/// Why a value has no JSON form.
struct JSONEncodingError: Error {
    var reason: String
}

/// A JSON value built by ``JSONTreeEncoder``; containers are references, so that the containers an
/// `Encoder` hands out can be filled after they are returned.
enum JSONTree {
    case null
    case literal(String)
    case string(String)
    case array(JSONArrayBox)
    case object(JSONObjectBox)

    /// The tree of a value, primitives without an encoder.
    static func of<T: Encodable>(_ value: T) throws -> JSONTree {
        if let text = value as? String { return .string(text) }
        if let number = value as? Int { return .literal(String(number)) }
        if let flag = value as? Bool { return .literal(flag ? "true" : "false") }
        let encoder = JSONTreeEncoder()
        try value.encode(to: encoder)
        return encoder.tree ?? .object(JSONObjectBox())
    }

    /// A floating-point number as Foundation writes it (`1.5`, `2` for `2.0`); NaN and infinities
    /// have no JSON form.
    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws -> JSONTree {
        guard value.isFinite else { throw JSONEncodingError(reason: "\(value) is not a JSON number") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return .literal(text)
    }
}

/// An array being built.
final class JSONArrayBox {
    var items: [JSONTree] = []
}

/// An object being built: members in the order encoded (a key encoded twice keeps its last value).
final class JSONObjectBox {
    var members: [(key: String, value: JSONTree)] = []
}
