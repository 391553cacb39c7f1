import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `transform` and `define` as filters: the domain comes from the named file or from standard input;
/// a domain built from the request alone is asked for with `--new`.
@Suite("transform and define read the domain from standard input")
struct FilterTests {
    static let samples = Repository.root + "/Samples"
    static let request = samples + "/vmcreate/gpu.json"
    static let host = ["--snapshot", Repository.sampleHost]
    static let domain = readFile(samples + "/domains/web-server.xml") ?? ""

    @Test func aPipedDomainIsTheOneTransformed() {
        let piped = HostdevBinary.bounded(["transform", "--vm-create", Self.request] + Self.host, stdin: Self.domain)
        let named = HostdevBinary.bounded(
            ["transform", Self.samples + "/domains/web-server.xml", "--vm-create", Self.request] + Self.host)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout == named.stdout)
        #expect(piped.stdout.contains("<name>web-server</name>"))
        #expect(piped.stdout.contains("<hostdev mode='subsystem' type='pci' managed='no'>"))
    }

    @Test func newBuildsTheMinimalDomainAndReadsNoInput() {
        let result = HostdevBinary.bounded(
            ["transform", "--new", "--vm-create", Self.request] + Self.host, stdin: Self.domain)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("<name>gpu-workstation</name>"))
        #expect(!result.stdout.contains("web-server"))
    }

    @Test func emptyStandardInputIsBadInput() {
        for arguments in [["transform"], ["transform", "-"]] {
            let result = HostdevBinary.bounded(arguments + ["--vm-create", Self.request] + Self.host)
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("standard input is empty"), "\(result.stderr)")
            #expect(result.stderr.contains("--new"))
        }
    }

    @Test func aTerminalOnStandardInputWithoutADomainIsAUsageError() throws {
        guard access("/usr/bin/script", X_OK) == 0 else {
            print("skipped: no script(1) to give the command a terminal")
            return
        }
        // script(1) runs the command on a new pseudo-terminal: stdin is a terminal, as typed by hand.
        let command = ([HostdevBinary.path, "transform", "--vm-create", Self.request] + Self.host)
            .map(\.shellQuoted).joined(separator: " ")
        let output = HostdevBinary.shell(
            "timeout -k 5 30 script -qec \(command.shellQuoted) /dev/null </dev/null 2>&1; echo \"exit $?\"")
        #expect(output.hasSuffix("exit 2\n"), "\(output)")
        #expect(output.contains("no domain: name a domain file, pipe one on standard input, or pass --new"))
    }

    @Test(arguments: [
        (["transform", "--vm-create", "-"], "--vm-create - takes standard input"),
        (["transform", "--new", "DOMAIN", "--vm-create", "REQUEST"], "give a domain file or --new, not both"),
        (["define", "--vm-create", "-", "--connect", Repository.sampleHostURI], "--vm-create - takes standard input"),
    ])
    func conflictingSourcesAreUsageErrors(arguments: [String], message: String) {
        let resolved = arguments.map {
            $0 == "DOMAIN" ? Self.samples + "/domains/web-server.xml" : $0 == "REQUEST" ? Self.request : $0
        }
        let result = HostdevBinary.bounded(resolved + Self.host.prefix(arguments[0] == "define" ? 0 : 2), stdin: "{}")
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func defineFollowsTheSameConvention() {
        let piped = HostdevBinary.bounded(
            ["define", "--vm-create", Self.request, "--connect", Repository.sampleHostURI, "--print-xml"],
            stdin: Self.domain)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.contains("<name>web-server</name>"))
        let empty = HostdevBinary.bounded([
            "define", "--vm-create", Self.request, "--connect", Repository.sampleHostURI,
        ])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("standard input is empty"), "\(empty.stderr)")
        let new = HostdevBinary.bounded(
            ["define", "--new", "--vm-create", Self.request, "--connect", Repository.sampleHostURI, "--print-xml"])
        #expect(new.status == 0, "\(new.stderr)")
        #expect(new.stdout.contains("<name>gpu-workstation</name>"))
    }
}
