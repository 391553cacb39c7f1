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

/// A transform of the sample domain, written with `-o` or `--in-place`, and the facts the tests
/// check about the files afterwards.
enum WriteFixture {
    static let samples = Repository.root + "/Samples"
    static let domain = readFile(samples + "/domains/web-server.xml") ?? ""
    static let transform = [
        "transform", samples + "/domains/web-server.xml", "--vm-create", samples + "/vmcreate/gpu.json", "--snapshot",
        Repository.sampleHost,
    ]
    static let hostdev = "<hostdev mode='subsystem' type='pci' managed='no'>"

    /// `transform FILE --in-place` with the GPU request.
    static func inPlace(_ path: String) -> [String] {
        [
            "transform", path, "--in-place", "--vm-create", samples + "/vmcreate/gpu.json", "--snapshot",
            Repository.sampleHost,
        ]
    }

    static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    /// glibc's `makedev` (a macro Swift does not see), for the small numbers the tests use.
    static func device(_ major: UInt64, _ minor: UInt64) -> dev_t { dev_t((major << 8) | minor) }

    static func type(_ path: String) -> mode_t? { status(path).map { $0.st_mode & S_IFMT } }

    /// The names in a directory, `.` and `..` left out, sorted.
    static func entries(_ directory: String) -> [String] {
        HostdevBinary.shell("ls -A '\(directory)'").split(separator: "\n").map(String.init)
    }

    /// Whether a shell command line succeeds.
    static func succeeds(_ command: String) -> Bool {
        HostdevBinary.shell("\(command) >/dev/null 2>&1; echo $?") == "0\n"
    }

    /// A domain of about 1.3 MB, so that writing it takes long enough to be interrupted.
    static let large: String = {
        var devices = ""
        for index in 0..<20_000 {
            devices += "    <controller type='pci' index='\(index % 200)' model='pcie-root-port'/>\n"
        }
        return "<domain type='kvm'>\n  <name>big</name>\n  <memory>1024</memory>\n  <devices>\n" + devices
            + "  </devices>\n</domain>\n"
    }()
}

@Suite("-o and snapshot -o never replace what is not a regular file of the caller's")
struct OutputTargetTests {
    @Test func aFIFOWithAReaderIsWrittenThroughAndStaysAFIFO() {
        withScratchDirectory("fifo") { directory in
            let fifo = directory + "/fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            let result = HostdevBinary.bounded(
                WriteFixture.transform + ["-o", fifo],
                prefix: "timeout 20 cat '\(fifo)' >'\(directory)/read' 2>/dev/null & ")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(WriteFixture.type(fifo) == S_IFIFO)
            _ = HostdevBinary.shell(
                "for i in $(seq 50); do grep -q '</domain>' '\(directory)/read' && break; sleep 0.1; done")
            #expect(readFile(directory + "/read")?.contains(WriteFixture.hostdev) == true)
        }
    }

    @Test func aCharacterDeviceNodeIsWrittenThroughAndStaysADevice() {
        withScratchDirectory("mknod") { directory in
            let node = directory + "/null"
            // The same device as /dev/null, at a path of the test's own.
            #expect(mknod(node, S_IFCHR | 0o666, WriteFixture.device(1, 3)) == 0)
            for arguments in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]] {
                let result = HostdevBinary.bounded(arguments + ["-o", node])
                #expect(result.status == 0, "\(result.stderr)")
                let info = WriteFixture.status(node)
                #expect(info.map { $0.st_mode & S_IFMT } == S_IFCHR)
                #expect(info?.st_rdev == WriteFixture.device(1, 3))
                #expect(WriteFixture.entries(directory) == ["null"])
            }
        }
    }

    @Test func aBlockDeviceNodeIsRefused() {
        withScratchDirectory("block") { directory in
            let node = directory + "/disk"
            // A block major reserved for local use: nothing is behind it even if it were opened.
            #expect(mknod(node, S_IFBLK | 0o600, WriteFixture.device(240, 0)) == 0)
            let result = HostdevBinary.bounded(WriteFixture.transform + ["-o", node])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is a block device; not written"), "\(result.stderr)")
            #expect(WriteFixture.type(node) == S_IFBLK)
        }
    }

    @Test func devNullStaysACharacterDevice() {
        // /dev/null itself, in a mount namespace of its own (a tmpfs on /dev), so that a regression
        // cannot replace the machine's /dev/null.
        let command = ([HostdevBinary.path] + WriteFixture.transform + ["-o", "/dev/null"]).map(\.shellQuoted)
            .joined(separator: " ")
        let script =
            "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 || exit 99; "
            + "timeout -k 5 60 \(command) 2>&1; echo \"exit $?\"; stat -c %F /dev/null"
        let output = HostdevBinary.shell("unshare --mount sh -c \(script.shellQuoted) 2>&1; echo \"unshare $?\"")
        guard !output.contains("unshare 99"), output.contains("exit ") else {
            print("skipped: no private mount namespace here (\(output)); the mknod test covers the same case")
            return
        }
        #expect(output.contains("exit 0\ncharacter special file\n"), "\(output)")
    }

    @Test func devStdoutIsWrittenThrough() {
        let toFile = HostdevBinary.bounded(WriteFixture.transform + ["-o", "/dev/stdout"])
        #expect(toFile.status == 0, "\(toFile.stderr)")
        #expect(toFile.stdout.contains(WriteFixture.hostdev))
        let command = ([HostdevBinary.path] + WriteFixture.transform + ["-o", "/dev/stdout"]).map(\.shellQuoted)
            .joined(separator: " ")
        let throughPipe = HostdevBinary.shell("timeout -k 5 60 \(command) 2>/dev/null | cat")
        #expect(throughPipe.contains(WriteFixture.hostdev))
    }

    @Test func aFullDeviceAtTheOutputPathIsAFailure() {
        let result = HostdevBinary.bounded(WriteFixture.transform + ["-o", "/dev/full"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("/dev/full: cannot write: No space left on device"), "\(result.stderr)")
    }

    @Test func aFilePlantedByAnotherUserIsReplacedByOneOfTheCallers() {
        withScratchDirectory("planted") { directory in
            for (index, arguments) in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]]
                .enumerated()
            {
                let path = directory + "/out\(index).xml"
                #expect((try? "planted\n".write(toFile: path)) != nil)
                chown(path, 65534, 65534)
                chmod(path, 0o666)
                let result = HostdevBinary.bounded(arguments + ["-o", path], prefix: "umask 022;")
                #expect(result.status == 0, "\(result.stderr)")
                let info = WriteFixture.status(path)
                #expect(info?.st_uid == geteuid())
                #expect(info?.st_gid == getegid())
                #expect(info.map { $0.st_mode & 0o7777 } == 0o644)
                #expect(readFile(path)?.hasPrefix("planted") == false)
            }
            #expect(WriteFixture.entries(directory) == ["out0.xml", "out1.xml"])
        }
    }

    @Test func aSymbolicLinkPlantedByAnotherUserIsNotFollowed() {
        withScratchDirectory("planted-link") { directory in
            let victim = directory + "/victim"
            let link = directory + "/out.xml"
            #expect((try? "precious\n".write(toFile: victim)) != nil)
            #expect(symlink(victim, link) == 0)
            lchown(link, 65534, 65534)
            for arguments in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]] {
                let result = HostdevBinary.bounded(arguments + ["-o", link])
                #expect(result.status == 1)
                #expect(result.stderr.contains("is a symbolic link of another user (uid 65534); not followed"))
                #expect(WriteFixture.type(link) == S_IFLNK)
                #expect(readFile(victim) == "precious\n")
            }
        }
    }

    @Test func aLinkOfTheCallersToAFileOfAnotherUserIsNotFollowed() {
        withScratchDirectory("link-other") { directory in
            let victim = directory + "/victim"
            #expect((try? "precious\n".write(toFile: victim)) != nil)
            chown(victim, 65534, 65534)
            #expect(symlink(victim, directory + "/out.xml") == 0)
            let result = HostdevBinary.bounded(WriteFixture.transform + ["-o", directory + "/out.xml"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("is a symbolic link to a file of another user (uid 65534)"))
            #expect(readFile(victim) == "precious\n")
        }
    }

    @Test func aLinkOfTheCallersToTheirOwnFileIsWrittenThroughAndStaysALink() {
        withScratchDirectory("link-own") { directory in
            let target = directory + "/target.xml"
            #expect((try? "old\n".write(toFile: target)) != nil)
            #expect(symlink(target, directory + "/out.xml") == 0)
            let result = HostdevBinary.bounded(WriteFixture.transform + ["-o", directory + "/out.xml"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(WriteFixture.type(directory + "/out.xml") == S_IFLNK)
            #expect(readFile(target)?.contains(WriteFixture.hostdev) == true)
            #expect(readFile(target)?.hasPrefix("old") == false)
        }
    }
}
