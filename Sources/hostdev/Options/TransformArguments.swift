import ArgumentParser
import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

/// The arguments `transform` and `define` share: the domain, the request, the host, the checks.
struct TransformArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Domain XML to change; without it (or with '-') the domain is read from standard input.",
            valueName: "domain.xml"))
    var domain: String?

    @Flag(
        name: .customLong("new"),
        help: "Build a minimal domain from --vm-create alone instead of reading one (no file, no standard input).")
    var newDomain = false

    @Option(
        name: .customLong("vm-create"),
        help: ArgumentHelp("vmCreate parameters (JSON; '-' for standard input).", valueName: "params.json"))
    var vmCreate: String?

    @OptionGroup var host: HostOptions

    @Flag(name: .customLong("include-group"), help: "Add the missing endpoints of each requested device's IOMMU group.")
    var includeGroup = false

    @Option(help: ArgumentHelp("Directory holding libvirt's domain.rng.", valueName: "dir"))
    var schemas: String = CommandInput.libvirtSchemaDirectory

    @Flag(name: .customLong("no-schema"), help: "Skip checking the input and the result against libvirt's schema.")
    var noSchema = false

    @Flag(
        name: .customLong("full-schema"),
        help: ArgumentHelp(
            "Check the whole input and result against the whole domain.rng (by default, the elements written).",
            discussion:
                "The default check keeps the grammar it reduces domain.rng to in $XDG_CACHE_HOME/hostdev (or "
                + "~/.cache/hostdev), valid while the schema files are unchanged, and compiles the one used last "
                + "on a second thread while the inputs are read; HOSTDEV_NO_CACHE=1 turns that off."))
    var fullSchema = false

    @Flag(
        name: .customLong("input-from-libvirt"),
        help: "The domain is libvirt's own output (virsh dumpxml): never check it against the schema.")
    var inputFromLibvirt = false

    @Option(help: ArgumentHelp("'json': write the whole plan to stderr instead of text findings.", valueName: "json"))
    var report: ReportFormat?

    enum ReportFormat: String, ExpressibleByArgument { case json }

    func validate() throws {
        if newDomain && domain != nil { throw ValidationError("give a domain file or --new, not both") }
        if newDomain { return }
        if domain == nil && vmCreate == "-" {
            throw ValidationError(
                "--vm-create - takes standard input, where the domain is read from: name the domain file, or pass --new"
            )
        }
        if domain == "-" && vmCreate == "-" {
            throw ValidationError("only one of the domain and --vm-create can be '-'")
        }
        if noSchema && fullSchema { throw ValidationError("give --no-schema or --full-schema, not both") }
        if domain == nil && isatty(0) == 1 {
            throw ValidationError(
                "no domain: name a domain file, pipe one on standard input, or pass --new to build a minimal domain "
                    + "from --vm-create")
        }
    }

    /// Where the domain comes from: a file, `-` for standard input, or `nil` with `--new`.
    var domainSource: String? { newDomain ? nil : domain ?? "-" }

    /// Reads the inputs, runs the transform, prints the findings; exits 1 when refused. `readDomain`
    /// reads the domain file (by default, ``InputFile/read(_:limit:)``).
    func run(virtType: String = "kvm", readDomain: (String) throws -> [UInt8] = readDomainFile) throws
        -> TransformResult
    {
        // The schema check's grammar compiles on another thread while the inputs are read; its
        // errors are reported where they were before.
        let schemaCheck = noSchema ? nil : Result { try makeSchemaCheck() }
        if case .success(let check)? = schemaCheck { check.compileRecentGrammarInBackground() }
        let request = try readRequest()
        let inventory = !request.needsHost && host.sourceOrDefault == nil ? nil : try host.loadInventory()
        let bytes: [UInt8]?
        if let domain = domainSource {
            bytes = try readDomain(domain)
            if bytes?.isEmpty == true {
                throw CommandFailure.usage(
                    domain == "-"
                        ? "-: standard input is empty: pipe a domain, name a domain file, or pass --new"
                        : "\(domain): the file is empty")
            }
        } else {
            bytes = nil
        }
        let schema: DomainSchemaCheck?
        do {
            schema = try schemaCheck?.get()
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        let result: TransformResult
        do throws(TransformError) {
            result = try PassthroughTransform.run(
                domainXML: bytes, source: domainSource ?? "vm-create", request: request, inventory: inventory,
                options: TransformOptions(includeGroup: includeGroup, virtType: virtType, schemaCheck: schema))
        } catch {
            throw CommandFailure.usage(
                error == .needsHost ? FixItText.command(for: .chooseHostSource, host: nil) : error.description)
        }
        if let schema {
            schema.waitForBackgroundWork()
            ProcessLifetime.keep(schema)
        }
        if let inventory { ProcessLifetime.keep(inventory) }
        if report == .json {
            printError(result.report.json())
        } else {
            for diagnostic in result.diagnostics { printError(DiagnosticText.render(diagnostic, host: host)) }
        }
        guard result.succeeded else {
            let count = result.diagnostics.filter { $0.severity == .error }.count
            throw CommandFailure.refused("refused: \(count) problem\(count == 1 ? "" : "s"); nothing was written")
        }
        return result
    }

    private func makeSchemaCheck() throws -> DomainSchemaCheck {
        try DomainSchemaCheck(
            directory: schemas, scope: fullSchema ? .whole : .edits, inputIsLibvirtOutput: inputFromLibvirt,
            cache: grammarCache)
    }

    /// The user's cache of reduced grammars (see ``ReducedGrammarCache/user(environment:)``).
    private var grammarCache: ReducedGrammarCache? {
        var environment: [String: String] = [:]
        for name in ReducedGrammarCache.variables {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return ReducedGrammarCache.user(environment: environment)
    }

    private func readRequest() throws -> VMCreateRequest {
        guard let vmCreate else { return VMCreateRequest(source: nil) }
        let bytes: [UInt8]
        do {
            bytes = try CommandInput.read(vmCreate, limit: VMCreateRequest.maxBytes)
        } catch {
            throw CommandFailure.usage("\(error)")
        }
        do throws(VMCreateError) {
            return try VMCreateRequest.decode(bytes, source: vmCreate)
        } catch {
            throw CommandFailure.usage(error.description)
        }
    }
}

/// Reads a domain file (or `-`, standard input); unreadable or too large is bad input.
func readDomainFile(_ path: String) throws -> [UInt8] {
    do {
        return try CommandInput.read(path)
    } catch {
        throw CommandFailure.usage("\(error)")
    }
}
