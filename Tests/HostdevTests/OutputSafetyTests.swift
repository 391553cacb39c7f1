import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What hostdev writes can be trusted: a write that fails is a failure (exit 3, a message), never
/// a silent success with the data lost.
@Suite("Writes that fail are failures")
struct StandardOutputFailureTests {
    static let samples = Repository.root + "/Samples"
    static let fixtures = Repository.root + "/Tests/Fixtures"

    /// A command of each kind whose output is data, each of which prints something when it succeeds.
    static let commands: [[String]] = [
        [
            "transform", samples + "/domains/web-server.xml", "--vm-create", samples + "/vmcreate/gpu.json",
            "--snapshot", Repository.sampleHost,
        ],
        ["list", "--snapshot", Repository.sampleHost],
        ["list", "--snapshot", Repository.sampleHost, "--format", "json"],
        ["caps", "--snapshot", Repository.sampleHost],
        ["explain", fixtures + "/explain/group-not-viable.log"],
        ["lint", fixtures + "/lint/clean.xml", "--snapshot", Repository.sampleHost],
        ["lint", fixtures + "/lint/clean.xml", "--format", "sarif"],
    ]

    @Test(arguments: commands)
    func eachCommandPrintsWhenItCan(arguments: [String]) {
        let result = HostdevBinary.bounded(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.isEmpty)
    }

    @Test(arguments: commands)
    func aFullDeviceIsAFailure(arguments: [String]) {
        let result = HostdevBinary.bounded(arguments, stdout: ">/dev/full")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("hostdev: standard output: cannot write: No space left on device"))
    }

    @Test(arguments: commands)
    func aClosedStandardOutputIsAFailure(arguments: [String]) {
        let result = HostdevBinary.bounded(arguments, stdout: ">&-")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("hostdev: standard output: cannot write: Bad file descriptor"))
    }

    @Test func aFileSizeLimitOnStandardOutputLeavesAFailureNotASuccess() {
        // `ulimit -f 1`: the shell's `> out` file may hold 1 KiB; the domain is larger.
        let result = HostdevBinary.bounded(Self.commands[0], prefix: "ulimit -f 1;")
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("File too large"), "\(result.stderr)")
    }
}
