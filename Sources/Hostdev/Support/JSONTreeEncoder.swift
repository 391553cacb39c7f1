/// An `Encoder` that builds a ``JSONTree``.
final class JSONTreeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    /// What was encoded, if anything.
    var tree: JSONTree?

    init(codingPath: [any CodingKey] = []) { self.codingPath = codingPath }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: JSONObjectBox
        if case .object(let existing) = tree {
            box = existing
        } else {
            box = JSONObjectBox()
            tree = .object(box)
        }
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: JSONArrayBox
        if case .array(let existing) = tree {
            box = existing
        } else {
            box = JSONArrayBox()
            tree = .array(box)
        }
        return JSONUnkeyedContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { JSONSingleValueContainer(encoder: self) }
}

/// A keyed container appending to an object.
struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: JSONObjectBox
    let codingPath: [any CodingKey]

    private func add(_ tree: JSONTree, _ key: Key) { box.members.append((key.stringValue, tree)) }

    mutating func encodeNil(forKey key: Key) throws { add(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(.literal(value ? "true" : "false"), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { add(try .number(value), key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { add(try .number(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(.literal(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { add(try JSONTree.of(value), key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = JSONObjectBox()
        add(.object(nested), key)
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        add(.array(nested), key)
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue) }

    private func superEncoder(named name: String) -> any Encoder {
        let object = box
        object.members.append((name, .object(JSONObjectBox())))
        let index = object.members.count - 1
        return JSONDeferredEncoder(codingPath: codingPath) { object.members[index].value = $0 }
    }
}

/// The encoder a container's `superEncoder` returns: what it encodes is stored where the container
/// left a place for it, when the encoder is released.
final class JSONDeferredEncoder: Encoder {
    let inner: JSONTreeEncoder
    let store: (JSONTree) -> Void

    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(codingPath: [any CodingKey], store: @escaping (JSONTree) -> Void) {
        self.inner = JSONTreeEncoder(codingPath: codingPath)
        self.store = store
    }

    deinit { store(inner.tree ?? .object(JSONObjectBox())) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        inner.container(keyedBy: type)
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}

/// An unkeyed container appending to an array.
struct JSONUnkeyedContainer: UnkeyedEncodingContainer {
    let box: JSONArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    mutating func encodeNil() throws { box.items.append(.null) }
    mutating func encode(_ value: Bool) throws { box.items.append(.literal(value ? "true" : "false")) }
    mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
    mutating func encode(_ value: Double) throws { box.items.append(try .number(value)) }
    mutating func encode(_ value: Float) throws { box.items.append(try .number(value)) }
    mutating func encode(_ value: Int) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int8) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int16) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int32) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: Int64) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt8) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt16) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt32) throws { box.items.append(.literal(String(value))) }
    mutating func encode(_ value: UInt64) throws { box.items.append(.literal(String(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try JSONTree.of(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = JSONObjectBox()
        box.items.append(.object(nested))
        return KeyedEncodingContainer(JSONKeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = JSONArrayBox()
        box.items.append(.array(nested))
        return JSONUnkeyedContainer(box: nested, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        let array = box
        array.items.append(.object(JSONObjectBox()))
        let index = array.items.count - 1
        return JSONDeferredEncoder(codingPath: codingPath) { array.items[index] = $0 }
    }
}

/// A single value: sets the encoder's tree.
struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONTreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.tree = .null }
    mutating func encode(_ value: Bool) throws { encoder.tree = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.tree = .string(value) }
    mutating func encode(_ value: Double) throws { encoder.tree = try .number(value) }
    mutating func encode(_ value: Float) throws { encoder.tree = try .number(value) }
    mutating func encode(_ value: Int) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.tree = .literal(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.tree = .literal(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.tree = try JSONTree.of(value) }
}
