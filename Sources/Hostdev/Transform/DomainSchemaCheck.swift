import LibXML

/// How the transform checks its work against libvirt's domain schema (`domain.rng` and the files it
/// includes, read from the installed schema directory at run time).
///
/// Both scopes give the same verdict: a result is refused exactly when the input validates and the
/// result does not.
///
/// - ``Scope/whole``: the input, then the result, against the whole grammar, as `xmllint --relaxng`
///   would. An input that does not validate is reported as a warning and its result is not checked.
/// - ``Scope/edits`` (the default): the result differs from the input only in the elements the
///   transform wrote (each new `<hostdev>` or `<interface>` in `<devices>`, a new `<devices>`, the
///   `<metadata>` holding the marker). Those are checked, each on its own, against a grammar
///   reduced to the definitions they can reach (``RelaxNGReducedGrammar``). libvirt's `<devices>`
///   admits any number of `<hostdev>` and `<interface>` elements in any order, and `<domain>`
///   admits one optional `<devices>` and one optional `<metadata>` anywhere, so a valid input stays
///   valid exactly when those elements match their definitions. The whole grammar is compiled only
///   when they do not: then the input is checked (unless the caller vouches that it is libvirt's
///   own output) and, if it validates, the result, so refusals read as in the whole scope. What
///   this scope does not do: report an input that was invalid before the transform touched it.
///   Any other change (an element elsewhere, a second `<metadata>`, an attribute of `<domain>`)
///   widens the check to the whole domain (with the reduced grammar, still exact), never skips it.
public final class DomainSchemaCheck: Sendable {
    /// What is checked; see ``DomainSchemaCheck``.
    public enum Scope: String, Sendable, Equatable, CaseIterable {
        /// The elements the transform wrote, against a grammar reduced to what they reach.
        case edits
        /// The whole input and the whole result, against the whole grammar.
        case whole
    }

    /// What is checked.
    public let scope: Scope
    /// Whether the caller vouches that the input is libvirt's own output (`virsh dumpxml`, say),
    /// which libvirt validated when it stored it: the input is then never checked.
    public let inputIsLibvirtOutput: Bool
    private let path: String
    private let cache: ReducedGrammarCache?
    /// What the check has read, compiled and guessed so far, behind one lock.
    private let state: Locked<State>

    private struct State: Sendable {
        /// The index of the schema's defines; in the edits scope, read at once without a cache and
        /// on first need with one.
        var reduced: Result<RelaxNGReducedGrammar, XMLError>?
        /// The whole `domain.rng`, compiled.
        var full: RelaxNGSchema?
        /// Reduced grammars compiled so far, by start defines and element names (a library caller
        /// transforming many domains compiles each shape once).
        var compiled: [String: RelaxNGSchema] = [:]
        /// The grammar guessed and compiled ahead (``compileRecentGrammarInBackground()``); `nil`
        /// when the caller did not ask for that.
        var ahead: Guess?
        /// Whether a check used the grammar compiled ahead.
        var usedGrammarCompiledAhead = false
    }

    /// The key of the grammar noted as used last, and the compilation on another thread of the
    /// grammar it named when the guess was made.
    private struct Guess: Sendable {
        var noted: String?
        let work: (key: String, compiling: BackgroundWork<RelaxNGSchema?>)?
    }

    /// Elements `<devices>` may hold any number of, in any order, each valid on its own.
    static let repeatableDevices: Set<String> = ["hostdev", "interface"]
    /// `<domain>` children that occur at most once, anywhere, each valid on its own.
    static let singleDomainChildren: Set<String> = ["devices", "metadata"]

    /// Reads libvirt's domain schema from a directory (the installed one by default): in the whole
    /// scope it is compiled now; in the edits scope only its definitions are indexed, now, or with
    /// a `cache` only when no stored grammar fits (see ``ReducedGrammarCache``; `domain.rng` must
    /// still be readable now).
    public init(
        directory: String = RelaxNGSchema.libvirtSchemaDirectory, scope: Scope = .edits,
        inputIsLibvirtOutput: Bool = false, cache: ReducedGrammarCache? = nil
    ) throws(XMLError) {
        self.scope = scope
        self.inputIsLibvirtOutput = inputIsLibvirtOutput
        path = directory + "/domain.rng"
        switch scope {
        case .whole:
            self.cache = nil
            state = Locked(State(full: try RelaxNGSchema(contentsOf: path)))
        case .edits:
            self.cache = cache
            if cache == nil {
                state = Locked(State(reduced: .success(try RelaxNGReducedGrammar(contentsOf: path))))
            } else {
                _ = try XMLInput.readBytes(path: path, limits: ParseLimits(maxBytes: 16 << 20))
                state = Locked(State())
            }
        }
    }

    /// The whole scope with a grammar already compiled.
    public init(schema: RelaxNGSchema, inputIsLibvirtOutput: Bool = false) {
        scope = .whole
        self.inputIsLibvirtOutput = inputIsLibvirtOutput
        path = schema.path
        cache = nil
        state = Locked(State(full: schema))
    }

    /// Starts compiling, on another thread, the reduced grammar the cache noted as the one used last
    /// for this schema, while the caller goes on reading its inputs. A check that needs that grammar
    /// then waits at most for the rest of its compilation; a check that needs another one compiles
    /// its own, as without this call, and notes it as the one to compile ahead next time. Does
    /// nothing without a cache or in the whole scope; call it once, before the first check.
    public func compileRecentGrammarInBackground() {
        guard scope == .edits, let cache else { return }
        let key = cache.recentKey(schema: path)
        let work = key.map { key in
            (key, BackgroundWork { [path] in Self.compiledGrammar(cache.load(schema: path, key: key), name: path) })
        }
        state.withLock { state in
            if state.ahead == nil { state.ahead = Guess(noted: key, work: work) }
        }
    }

    /// Waits until the compilation ``compileRecentGrammarInBackground()`` started is done (a check
    /// that used its grammar has waited already); without one, returns at once.
    public func waitForBackgroundWork() {
        state.withLock { $0.ahead?.work }?.compiling.wait()
    }

    /// Before the edit: in the whole scope, checks the input. Returns the findings and whether the
    /// result is to be checked.
    public func checkInput(_ document: XMLDocument) -> (findings: [Diagnostic], checkResult: Bool) {
        guard scope == .whole, !inputIsLibvirtOutput else { return ([], true) }
        do throws(XMLError) {
            let finding = inputFinding(try fullSchema().validate(document), source: document.source)
            return (finding.map { [$0] } ?? [], finding == nil)
        } catch {
            return ([unavailable(error, source: document.source)], false)
        }
    }

    /// After the edit: checks the result.
    /// - Parameters:
    ///   - document: the edited domain.
    ///   - input: the bytes it was parsed from; `nil` when the transform built it.
    public func checkResult(_ document: XMLDocument, input: [UInt8]?) -> [Diagnostic] {
        if scope == .edits, passes(document, built: input == nil) {
            return []
        }
        do throws(XMLError) {
            let schema = try fullSchema()
            if scope == .edits, !inputIsLibvirtOutput, let input {
                let original = try XMLDocument(parsing: input, source: document.source)
                if let finding = inputFinding(schema.validate(original), source: document.source) { return [finding] }
            }
            return schema.validate(document).map { violation in
                Diagnostic(
                    .error, rule: "schema",
                    "the result does not validate against libvirt's domain schema: " + violation.message,
                    file: document.source)
            }
        } catch {
            return [unavailable(error, source: document.source)]
        }
    }

    /// Whether the elements the transform wrote validate against the reduced grammar. `false`
    /// also when the reduced grammar cannot be built: the caller then checks with the whole one.
    private func passes(_ document: XMLDocument, built: Bool) -> Bool {
        let root = document.root
        var units = built ? [root] : []
        if units.isEmpty {
            for node in root.changedSubtrees() {
                guard let unit = Self.unit(of: node, in: root) else {
                    units = [root]
                    break
                }
                if !units.contains(where: { $0.isSame(as: unit) }) { units.append(unit) }
            }
        }
        if units.isEmpty { return true }
        let starts = Array(Set(units.map(\.name))).sorted()
        var names: Set<String> = []
        for unit in units { names.formUnion(unit.elementNames) }
        do throws(XMLError) {
            guard let schema = try reducedSchema(start: starts, elementNames: names) else { return false }
            return units.allSatisfy { schema.validate(element: $0).isEmpty }
        } catch {
            return false
        }
    }

    /// The element to check for a change at `node`: the device in `<devices>` it belongs to, or
    /// the child of `<domain>`; `nil` when only the whole domain will do.
    static func unit(of node: XMLNode, in root: XMLNode) -> XMLNode? {
        var path = [node]
        while let parent = path.last?.parent, !parent.isSame(as: root) { path.append(parent) }
        guard let top = path.last, top.parent?.isSame(as: root) == true else { return nil }
        guard singleDomainChildren.contains(top.name), root.elements(named: top.name).count == 1 else { return nil }
        if top.name == "devices", path.count >= 2, !top.isAdded {
            let device = path[path.count - 2]
            return repeatableDevices.contains(device.name) ? device : top
        }
        return top
    }

    /// The grammar reduced to `start` and `elementNames`: compiled before in this process, stored
    /// in the cache, or written from the schema files now (and stored). `nil` when a start define
    /// is not one element of its own name (the reduced check does not apply then).
    private func reducedSchema(start: [String], elementNames: Set<String>) throws(XMLError) -> RelaxNGSchema? {
        let key = start.joined(separator: " ") + "|" + elementNames.sorted().joined(separator: " ")
        if let schema = state.withLock({ $0.compiled[key] }) { return schema }
        var schema = storedSchema(key: key)
        if schema == nil { schema = try writtenSchema(start: start, elementNames: elementNames, key: key) }
        guard let schema else { return nil }
        state.withLock { state in
            if state.compiled.count >= 64 { state.compiled.removeAll() }
            state.compiled[key] = schema
        }
        noteRecent(key)
        return schema
    }

    /// The stored grammar for `key`, compiled: by the thread that compiled it ahead when the guess
    /// was right (waiting for it to finish; a stale entry is not read twice), else now. `nil` when
    /// there is none that is current and compiles.
    private func storedSchema(key: String) -> RelaxNGSchema? {
        if let work = state.withLock({ $0.ahead?.work }), work.key == key {
            let schema = work.compiling.value()
            if schema != nil { state.withLock { $0.usedGrammarCompiledAhead = true } }
            return schema
        }
        return Self.compiledGrammar(cache?.load(schema: path, key: key), name: path)
    }

    /// Whether a check used the grammar compiled ahead.
    var usedGrammarCompiledAhead: Bool { state.withLock { $0.usedGrammarCompiledAhead } }

    /// Notes `key` as the grammar to compile ahead next time, when the caller compiles ahead and the
    /// note names another.
    private func noteRecent(_ key: String) {
        let changed = state.withLock { state in
            guard state.ahead != nil, state.ahead?.noted != key else { return false }
            state.ahead?.noted = key
            return true
        }
        if changed { cache?.remember(recent: key, schema: path) }
    }

    /// A stored grammar (of the schema at `name`), compiled; `nil` when there is none that is
    /// current and compiles (a grammar is stored only after its start defines were checked).
    private static func compiledGrammar(_ text: [UInt8]?, name: String) -> RelaxNGSchema? {
        guard let text else { return nil }
        do throws(XMLError) {
            return try RelaxNGSchema(grammar: text, name: name + " (reduced)")
        } catch {
            return nil
        }
    }

    private func writtenSchema(start: [String], elementNames: Set<String>, key: String) throws(XMLError)
        -> RelaxNGSchema?
    {
        let grammar = try reducedGrammar()
        guard start.allSatisfy({ grammar.elementName(ofDefine: $0) == $0 }) else { return nil }
        let text = try grammar.text(start: start, elementNames: elementNames)
        let schema = try RelaxNGSchema(grammar: text, name: path + " (reduced)")
        cache?.store(text, schema: path, key: key, sources: grammar.sources)
        return schema
    }

    private func reducedGrammar() throws(XMLError) -> RelaxNGReducedGrammar {
        let result = state.withLock { state in
            if let reduced = state.reduced { return reduced }
            let read = Result { () throws(XMLError) in try RelaxNGReducedGrammar(contentsOf: path) }
            state.reduced = read
            return read
        }
        return try result.get()
    }

    /// Whether the schema files have been read and indexed (in the edits scope with a cache, only
    /// when no stored grammar fitted).
    public var hasIndexedSchema: Bool { state.withLock { $0.reduced != nil } }

    /// Whether the whole `domain.rng` has been compiled (in the edits scope, only when what the
    /// transform wrote did not validate).
    public var hasCompiledWholeGrammar: Bool { state.withLock { $0.full != nil } }

    private func fullSchema() throws(XMLError) -> RelaxNGSchema {
        try state.withLock { (state: inout State) throws(XMLError) -> RelaxNGSchema in
            if let full = state.full { return full }
            let compiled = try RelaxNGSchema(contentsOf: path)
            state.full = compiled
            return compiled
        }
    }

    private func inputFinding(_ violations: [SchemaViolation], source: String?) -> Diagnostic? {
        guard let first = violations.first else { return nil }
        return Diagnostic(
            .warning, rule: "schema",
            "the input does not validate against libvirt's domain schema (\(first.message)); "
                + "its output is not checked either",
            file: source, line: first.line)
    }

    private func unavailable(_ error: XMLError, source: String?) -> Diagnostic {
        Diagnostic(
            .error, rule: "schema", "libvirt's domain schema could not be used: \(error.description)", file: source)
    }
}
