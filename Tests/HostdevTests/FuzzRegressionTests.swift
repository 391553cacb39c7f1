import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every input a fuzzer ever found, and the seeds, replayed through the same harness the fuzzer runs.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let targets = ["xml", "names", "vmcreate", "transform", "explain", "snapshot"]

    @Test(arguments: targets)
    func replaysSavedInputs(target: String) {
        let folders = ["Tests/Fixtures/fuzz/" + target, "Samples/fuzz/" + target]
        let files = folders.flatMap { folder in
            HostdevBinary.shell("ls -1 '\(Repository.root)/\(folder)' 2>/dev/null")
                .split(separator: "\n").map { "'\(Repository.root)/\(folder)/\($0)'" }
        }
        #expect(!files.isEmpty)
        let binary = HostdevBinary.path
        let replay = String(binary[..<binary.lastIndex(of: "/")!]) + "/hostdev-fuzz"
        let output = HostdevBinary.shell("'\(replay)' \(target) \(files.joined(separator: " ")) 2>&1; echo status=$?")
        #expect(output.contains("replayed \(files.count) input(s)"), "\(output)")
        #expect(output.hasSuffix("status=0\n"), "\(output)")
    }
}
