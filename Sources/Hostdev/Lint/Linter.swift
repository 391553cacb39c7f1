import LibXML
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The offline linter: libvirt's schema and the passthrough rules over many domain files, in
/// parallel on every core, with one compiled schema shared by all workers.
public struct Linter: Sendable {
    /// libvirt's domain schema; `nil` skips the schema check.
    public var schema: RelaxNGSchema?
    /// The host, for the rules that need one.
    public var inventory: HostInventory?
    /// Only these rule ids (all when empty).
    public var select: Set<String>
    /// Never these rule ids.
    public var ignore: Set<String>
    /// Called now and then with (files done, files in all), for a progress line.
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates a linter.
    public init(
        schema: RelaxNGSchema?, inventory: HostInventory? = nil, select: Set<String> = [], ignore: Set<String> = [],
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.schema = schema
        self.inventory = inventory
        self.select = select
        self.ignore = ignore
        self.progress = progress
    }

    /// Whether a rule runs.
    public func isEnabled(_ id: String) -> Bool {
        (select.isEmpty || select.contains(id)) && !ignore.contains(id)
    }

    /// Lints files (see ``files(in:)``) and returns every finding.
    /// - Parameter named: the files the caller named itself (not found in a directory): one that is
    ///   not a regular file (a pipe, `/dev/stdin`) is read all the same, and one whose root is not a
    ///   `<domain>` is an error. A file found in a directory is passed over or skipped, with a note.
    public func lint(files: [String], named: Set<String> = []) -> LintReport {
        let done = Atomic<Int>(0)
        let results = ConcurrentMap.map(count: files.count) { index in
            let result = lint(file: files[index], named: named.contains(files[index]))
            let count = done.add(1, ordering: .relaxed).newValue
            if count % 64 == 0 || count == files.count { progress?(count, files.count) }
            return result
        }
        return report(results)
    }

    /// Lints one domain held in memory; `source` names it in the findings.
    public func lint(xml: [UInt8], source: String) -> LintReport {
        report([lint(file: source, bytes: xml, named: true)])
    }

    /// Runs the cross-domain rules over per-file results and orders each file's findings.
    private func report(_ results: [FileResult]) -> LintReport {
        var fileResults = results
        let summaries = fileResults.compactMap(\.summary)
        for rule in RuleCatalogue.rules(for: .lint).compactMap({ $0 as? any CrossDomainRule }) where isEnabled(rule.id)
        {
            if rule.needsHost && inventory == nil { continue }
            for finding in rule.check(all: summaries, inventory: inventory) {
                if let index = fileResults.firstIndex(where: { $0.file == finding.file }) {
                    fileResults[index].diagnostics.append(finding)
                }
            }
        }
        for index in fileResults.indices {
            fileResults[index].diagnostics.sort { ($0.line ?? 0, $0.column ?? 0) < ($1.line ?? 0, $1.column ?? 0) }
        }
        return LintReport(files: fileResults, hostChecked: inventory != nil)
    }

    /// Lints one file, or `bytes` named `file` when given; `named`: the caller named it (see
    /// ``lint(files:named:)``).
    func lint(file: String, bytes: [UInt8]? = nil, named: Bool) -> FileResult {
        let document: XMLDocument
        do throws(XMLError) {
            if let bytes {
                document = try XMLDocument(parsing: bytes, source: file, limits: .domain)
            } else {
                document = try XMLDocument(contentsOf: file, limits: .domain, regularFileOnly: !named)
            }
        } catch {
            if error.code == .notRegularFile {
                return FileResult(file: file, status: .notRegular(error.reason), diagnostics: [])
            }
            if error.code == .unreadable {
                return FileResult(file: file, status: .unreadable(error.reason), diagnostics: [])
            }
            let finding = Diagnostic(
                .error, rule: RuleCatalogue.xmlID, error.reason, file: file, line: error.line, column: error.column)
            return FileResult(file: file, status: .linted, diagnostics: isEnabled(RuleCatalogue.xmlID) ? [finding] : [])
        }
        let root = document.root
        guard root.isUnqualified("domain") else {
            guard named else {
                return FileResult(file: file, status: .skipped(root: root.tagDescription), diagnostics: [])
            }
            let finding = Diagnostic(
                .error, rule: RuleCatalogue.xmlID, "expected a <domain>, found <\(root.tagDescription)>", file: file,
                line: root.line, column: root.column)
            return FileResult(file: file, status: .linted, diagnostics: isEnabled(RuleCatalogue.xmlID) ? [finding] : [])
        }
        var diagnostics: [Diagnostic] = []
        if let schema, isEnabled(RuleCatalogue.schemaID) {
            diagnostics += schema.validate(document).map { violation in
                Diagnostic(
                    .error, rule: RuleCatalogue.schemaID,
                    violation.message + (violation.element.map { " (element \($0))" } ?? ""), file: file,
                    line: violation.line)
            }
        }
        let domain = CheckedDomain(file: file, root: root, inventory: inventory, command: .lint)
        diagnostics += RuleCatalogue.evaluate(domain, isEnabled: isEnabled)
        return FileResult(file: file, status: .linted, diagnostics: diagnostics, summary: domain.summary)
    }
}

/// Why the linter could not run.
public struct LintError: Error, Sendable, CustomStringConvertible {
    /// The path that could not be read.
    public var path: String
    /// The reason.
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}

/// The outcome for one file.
public struct FileResult: Sendable {
    /// What happened to a file.
    public enum Status: Sendable, Equatable {
        case linted
        case skipped(root: String)
        case notRegular(String)
        case unreadable(String)
    }

    /// The file.
    public var file: String
    /// What happened to it.
    public var status: Status
    /// Its findings.
    public var diagnostics: [Diagnostic]
    /// What cross-domain rules need.
    var summary: CheckedDomain.Summary?
}
