/// A RELAX NG grammar reduced to what some elements can reach, written at run time from the
/// installed schema files.
///
/// Compiling libvirt's whole `domain.rng` costs libxml2 several milliseconds; checking a few
/// elements needs only the definitions they can reach. ``schema(start:elementNames:)`` writes a
/// grammar whose `<start>` is a choice of the given defines, holding every define reachable from
/// them, each exactly as the installed files write it (every `combine=` part kept), and compiles it.
///
/// It also leaves out what cannot matter for the elements checked: a define whose whole content is
/// one `<element name="X">` becomes `<notAllowed/>` when no element named X (in any namespace)
/// occurs in what is checked. An element pattern matches only elements of its name, so this
/// changes no verdict on those elements, and it keeps the grammar of a `<devices>` holding only
/// `<hostdev>` elements from reaching every other device.
public struct RelaxNGReducedGrammar: Sendable {
    private let index: RelaxNGGrammarIndex

    /// Reads a grammar file (libvirt's `domain.rng`, say) and every file it includes.
    public init(contentsOf path: String) throws(XMLError) {
        index = try RelaxNGGrammarIndex(contentsOf: path)
    }

    /// Every file the grammar was read from, with its identity before it was read: a grammar written
    /// from them stays exact while each path still has that identity.
    public var sources: [(path: String, identity: FileIdentity)] { index.files.map { ($0.path, $0.identity) } }

    /// The local name of the element a define consists of, when its whole content (every part of
    /// it) is that one named `<element>`.
    public func elementName(ofDefine name: String) -> String? {
        guard let parts = index.defines[name], let first = parts.first?.elementName else { return nil }
        return parts.allSatisfy { $0.elementName == first } ? first : nil
    }

    /// The grammar text: a `<start>` choosing among `start` defines, and every define they reach.
    /// - Parameters:
    ///   - start: define names; each must exist.
    ///   - elementNames: local names of every element that will be checked; defines consisting of
    ///     one element named otherwise become `<notAllowed/>`.
    public func text(start: [String], elementNames: Set<String>) throws(XMLError) -> [UInt8] {
        var kept: Set<String> = []
        var excluded: Set<String> = []
        var pending = start
        while let name = pending.popLast() {
            guard !kept.contains(name) && !excluded.contains(name) else { continue }
            guard let parts = index.defines[name] else {
                throw XMLError(.schema, "the schema has no define named \(name)", file: index.files.first?.path)
            }
            if !start.contains(name), parts.allSatisfy({ $0.elementName.map { !elementNames.contains($0) } ?? false }) {
                excluded.insert(name)
                continue
            }
            kept.insert(name)
            for part in parts { pending += part.references }
        }
        var text = Array(#"<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start>"#.utf8)
        let choice = start.count > 1
        if choice { text += Array("<choice>".utf8) }
        for name in start { text += Array(#"<ref name=""#.utf8) + Array(name.utf8) + Array(#""/>"#.utf8) }
        if choice { text += Array("</choice>".utf8) }
        text += Array("</start>".utf8)
        for name in excluded.sorted() {
            text += Array(#"<define name=""#.utf8) + Array(name.utf8) + Array(#""><notAllowed/></define>"#.utf8)
        }
        var byFile = [[RelaxNGGrammarIndex.Part]](repeating: [], count: index.files.count)
        for name in kept.sorted() {
            for part in index.defines[name] ?? [] { byFile[part.file].append(part) }
        }
        for (file, parts) in zip(index.files, byFile) {
            for part in parts {
                // Each define carries what it inherited from its file's <grammar> (libxml2 loses
                // what a <div> would carry when it flattens the div).
                let own = Set(part.attributes.map(\.name))
                text += Array("<define".utf8)
                for attribute in file.inherited.filter({ !own.contains($0.name) }) + part.attributes {
                    text += RelaxNGGrammarIndex.attributeText(attribute.name, attribute.value)
                }
                text += Array(">".utf8) + file.bytes[part.body] + Array("</define>".utf8)
            }
        }
        text += Array("</grammar>".utf8)
        return text
    }

    /// Writes and compiles the reduced grammar (see ``text(start:elementNames:)``).
    public func schema(start: [String], elementNames: Set<String>) throws(XMLError) -> RelaxNGSchema {
        let text = try text(start: start, elementNames: elementNames)
        return try RelaxNGSchema(grammar: text, name: (index.files.first?.path ?? "grammar") + " (reduced)")
    }
}

extension XMLNode {
    /// The local names of this element and of every element in it: the `elementNames` to reduce a
    /// grammar to when checking it.
    public var elementNames: Set<String> {
        var names: Set<String> = []
        collectElementNames(into: &names)
        return names
    }

    private func collectElementNames(into names: inout Set<String>) {
        names.insert(name)
        for child in elements { child.collectElementNames(into: &names) }
    }
}
