import ArgumentParser
import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// `hostdev lint`: offline checks of domain XML.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check domain XML files against libvirt's schema and the passthrough rules.",
        discussion: """
            PATH is a file, a directory (searched for *.xml) or '-' for standard input. The schema check \
            (rule 'schema') gives the verdict xmllint --relaxng domain.rng gives; the passthrough rules \
            need a host source for the checks against the host. Exit 0 when clean, 1 on any error, 2 when \
            the lint could not run (bad arguments, a bad --snapshot), 3 when libvirt or the sysfs tree \
            failed. Files in a directory that are not regular files (named pipes, devices) are passed \
            over with a note. Rules: \(RuleCatalogue.ids.joined(separator: ", ")).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Argument(help: ArgumentHelp("Files, directories or '-'.", valueName: "path"))
    var paths: [String] = []

    @OptionGroup var host: HostOptions

    @Option(help: ArgumentHelp("Directory holding libvirt's domain.rng.", valueName: "dir"))
    var schemas: String = CommandInput.libvirtSchemaDirectory

    @Option(help: ArgumentHelp("Only these rules (comma-separated ids).", valueName: "id,..."))
    var select: String?

    @Option(help: ArgumentHelp("Skip these rules (comma-separated ids).", valueName: "id,..."))
    var ignore: String?

    @Option(help: "Output format.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Print what a rule checks and why, then exit.", valueName: "id"))
    var explain: String?

    @Flag(
        name: .customLong("list-rules"),
        help: "Print every rule: what it checks, the commands that apply it, its exit code; then exit.")
    var listRules = false

    func validate() throws {
        for id in ids(select) + ids(ignore) + (explain.map { [$0] } ?? []) where !RuleCatalogue.ids.contains(id) {
            throw ValidationError("unknown rule '\(id)'; rules: \(RuleCatalogue.ids.joined(separator: ", "))")
        }
        if explain == nil && !listRules && paths.isEmpty {
            throw ValidationError("give at least one path ('-' for standard input)")
        }
    }

    private func ids(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
    }

    func run() throws {
        var failed = false
        try reportingFailures { failed = try execute() }
        if failed { throw ExitCode(1) }
    }

    /// Runs the lint; returns whether any error was found.
    private func execute() throws -> Bool {
        if let explain {
            try StandardOutput.write((RuleCatalogue.explain(explain) ?? "") + "\n")
            return false
        }
        if listRules {
            try StandardOutput.write(RuleCatalogue.tableMarkdown)
            return false
        }
        let selected = Set(ids(select))
        let ignored = Set(ids(ignore))
        let inventory = host.sourceOrDefault == nil ? nil : try host.loadInventory()
        let files: [String]
        do throws(LintError) {
            files = try Linter.files(in: paths)
        } catch {
            throw CommandFailure.usage(error.description)
        }
        let showProgress = isatty(2) == 1 && files.count >= 200
        var progress: (@Sendable (Int, Int) -> Void)?
        if showProgress { progress = LintProgress.report }
        var linter = Linter(schema: nil, inventory: inventory, select: selected, ignore: ignored, progress: progress)
        if linter.isEnabled(RuleCatalogue.schemaID) {
            do {
                linter.schema = try CommandInput.libvirtDomainSchema(directory: schemas)
            } catch {
                throw CommandFailure.usage("\(error)")
            }
        }
        // Files named on the command line are read whatever they are (a pipe, /dev/stdin) and must be
        // domains; what a directory search found is passed over or skipped, with a note.
        let report = linter.lint(files: files, named: Set(paths))
        if showProgress { printError("\u{1B}[2K\r", newline: false) }
        switch format {
        case .text: try StandardOutput.write(report.text(color: isatty(1) == 1) { FixItText.render($0, host: host) })
        case .json: try StandardOutput.write(report.json() + "\n")
        case .sarif: try StandardOutput.write(report.sarif() + "\n")
        }
        return report.hasErrors
    }
}

/// The progress line on a terminal's stderr.
enum LintProgress {
    @Sendable static func report(done: Int, total: Int) {
        printError("\u{1B}[2Klinting \(done)/\(total)\r", newline: false)
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
