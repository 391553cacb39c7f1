import CXattr
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

    @Test(.disabled(if: Sanitizer.isThread, Sanitizer.fileSizeLimitNote))
    func aFileSizeLimitOnStandardOutputLeavesAFailureNotASuccess() {
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

    /// `hostdev transform … -o DEVICE`, as a shell command line.
    static func transform(to output: String) -> String {
        ([HostdevBinary.path] + WriteFixture.transform + ["-o", output]).map(\.shellQuoted).joined(separator: " ")
    }

    /// Runs `script` in a mount namespace of its own whose /dev is a fresh tmpfs holding `null`,
    /// `full` and the `stdout` link, so that a regression can never replace the machine's devices.
    /// `nil` (the test prints why it is skipped) where no such namespace can be made.
    static func inPrivateDev(_ script: String) -> String? {
        let setup =
            "mount -t tmpfs none /dev && mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/full c 1 7 "
            + "&& ln -s /proc/self/fd/1 /dev/stdout || exit 99; "
        let output = HostdevBinary.unblockedShell(
            "unshare --mount sh -c \((setup + script).shellQuoted) 2>&1; echo \"unshare $?\"")
        guard !output.contains("unshare 99"), output.contains("unshare 0") else {
            print("skipped: no private mount namespace for /dev here (\(output))")
            return nil
        }
        return output
    }

    @Test func devNullStaysACharacterDevice() {
        let script = "timeout -k 5 60 \(Self.transform(to: "/dev/null")) 2>&1; echo \"exit $?\"; stat -c %F /dev/null"
        guard let output = Self.inPrivateDev(script) else { return }
        #expect(output.contains("exit 0\ncharacter special file\n"), "\(output)")
    }

    @Test func devStdoutIsWrittenThroughToAFileOrAPipe() {
        withScratchDirectory("stdout") { directory in
            let command = "timeout -k 5 60 \(Self.transform(to: "/dev/stdout"))"
            let script =
                "\(command) >'\(directory)/out' 2>/dev/null; echo \"file $?\"; \(command) 2>/dev/null | grep -c '</domain>'; "
                + "stat -c %F /dev/stdout"
            guard let output = Self.inPrivateDev(script) else { return }
            #expect(output.hasPrefix("file 0\n1\nsymbolic link\n"), "\(output)")
            #expect(readFile(directory + "/out")?.contains(WriteFixture.hostdev) == true)
        }
    }

    @Test func aFullDeviceAtTheOutputPathIsAFailure() {
        let script = "timeout -k 5 60 \(Self.transform(to: "/dev/full")) 2>&1; echo \"exit $?\"; stat -c %F /dev/full"
        guard let output = Self.inPrivateDev(script) else { return }
        #expect(output.contains("/dev/full: cannot write: No space left on device"), "\(output)")
        #expect(output.contains("exit 3\ncharacter special file\n"), "\(output)")
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

@Suite("--in-place edits the file the path names, as it was, or refuses")
struct InPlaceEditTests {
    @Test func aSymbolicLinkIsFollowedAndStaysALink() throws {
        try withScratchDirectory("inplace-link") { directory in
            let real = directory + "/real.xml"
            let link = directory + "/link.xml"
            try WriteFixture.domain.write(toFile: real)
            #expect(symlink("real.xml", link) == 0)
            let result = HostdevBinary.bounded(WriteFixture.inPlace(link))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(WriteFixture.type(link) == S_IFLNK)
            #expect(readFile(real)?.contains(WriteFixture.hostdev) == true)
            #expect(WriteFixture.entries(directory) == ["link.xml", "real.xml"])
        }
    }

    @Test func ownerGroupModeAndExtendedAttributesAreKept() throws {
        try withScratchDirectory("inplace-attributes") { directory in
            let path = directory + "/vm.xml"
            try WriteFixture.domain.write(toFile: path)
            #expect(chown(path, 65534, 65534) == 0)
            #expect(chmod(path, 0o4750) == 0)
            let value = Array("kept".utf8)
            guard setxattr(path, "user.hostdev", value, value.count, 0) == 0 else {
                print("skipped the attribute part: this file system has no user.* attributes (\(errno))")
                return
            }
            let result = HostdevBinary.bounded(WriteFixture.inPlace(path))
            #expect(result.status == 0, "\(result.stderr)")
            let info = WriteFixture.status(path)
            #expect(info?.st_uid == 65534)
            #expect(info?.st_gid == 65534)
            #expect(info.map { $0.st_mode & 0o7777 } == 0o4750)
            var read = [UInt8](repeating: 0, count: 16)
            let count = getxattr(path, "user.hostdev", &read, read.count)
            #expect(count == value.count && Array(read.prefix(max(count, 0))) == value)
            #expect(readFile(path)?.contains(WriteFixture.hostdev) == true)
        }
    }

    @Test func aFileWithOtherHardLinksIsRefusedUntouched() throws {
        try withScratchDirectory("inplace-hardlink") { directory in
            let path = directory + "/vm.xml"
            try WriteFixture.domain.write(toFile: path)
            #expect(link(path, directory + "/other.xml") == 0)
            let result = HostdevBinary.bounded(WriteFixture.inPlace(path))
            #expect(result.status == 1)
            #expect(result.stderr.contains("has 2 hard links"), "\(result.stderr)")
            #expect(readFile(path) == WriteFixture.domain)
            #expect(WriteFixture.status(path)?.st_nlink == 2)
            #expect(WriteFixture.entries(directory) == ["other.xml", "vm.xml"])
        }
    }

    @Test func somethingOtherThanARegularFileIsRefused() {
        withScratchDirectory("inplace-fifo") { directory in
            let fifo = directory + "/vm.xml"
            #expect(mkfifo(fifo, 0o600) == 0)
            let result = HostdevBinary.bounded(WriteFixture.inPlace(fifo), seconds: 20)
            #expect(result.status == 1)
            #expect(result.stderr.contains("is a FIFO; only a regular file is edited in place"), "\(result.stderr)")
            #expect(WriteFixture.type(fifo) == S_IFIFO)
        }
    }

    @Test func aReadOnlyFileOfRootIsNotReplacedByAnotherUser() throws {
        guard geteuid() == 0, WriteFixture.succeeds("setpriv --reuid=nobody --regid=nogroup --clear-groups true") else {
            print("skipped: needs root and setpriv(1) to run hostdev as nobody")
            return
        }
        try withScratchDirectory("inplace-readonly") { directory in
            // A directory anyone may write (nobody could rename over the file), a file only root may write.
            #expect(chmod(directory, 0o777) == 0)
            let path = directory + "/vm.xml"
            try WriteFixture.domain.write(toFile: path)
            #expect(chmod(path, 0o644) == 0)
            let result = HostdevBinary.bounded(
                WriteFixture.inPlace(path), prefix: "setpriv --reuid=nobody --regid=nogroup --clear-groups")
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("cannot be edited: you cannot write it: Permission denied"), "\(result.stderr)")
            #expect(readFile(path) == WriteFixture.domain)
            #expect(WriteFixture.status(path)?.st_uid == 0)
            #expect(WriteFixture.entries(directory) == ["vm.xml"])
        }
    }

    @Test func fiftyPairsOfConcurrentEditsLoseNoDevice() throws {
        try withScratchDirectory("inplace-race") { directory in
            try "[{\"type\": \"hostdev\", \"device\": \"pci_0000_03_10_2\"}]".write(toFile: directory + "/a.json")
            try "[{\"type\": \"hostdev\", \"device\": \"pci_0001_01_00_0\"}]".write(toFile: directory + "/b.json")
            let pairs = 50
            for index in 0..<pairs { try WriteFixture.domain.write(toFile: directory + "/vm\(index).xml") }
            let run = { (index: Int, request: String) in
                ([HostdevBinary.path, "transform", "\(directory)/vm\(index).xml", "--in-place", "--no-schema"]
                    + ["--vm-create", "\(directory)/\(request).json", "--snapshot", Repository.sampleHost])
                    .map(\.shellQuoted).joined(separator: " ")
                    + " 2>/dev/null; echo $? >'\(directory)/\(request)\(index).status'"
            }
            let script = (0..<pairs).map {
                "(timeout -k 5 60 \(run($0, "a"))) & (timeout -k 5 60 \(run($0, "b"))) & wait"
            }
            _ = HostdevBinary.unblockedShell(script.joined(separator: "\n"))
            var succeeded = 0
            for index in 0..<pairs {
                let final = readFile("\(directory)/vm\(index).xml") ?? ""
                for (request, address) in [
                    ("a", "<address domain='0x0000' bus='0x03' slot='0x10' function='0x2'/>"),
                    ("b", "<address domain='0x0001' bus='0x01' slot='0x00' function='0x0'/>"),
                ] {
                    let status = readFile("\(directory)/\(request)\(index).status")
                    #expect(status == "0\n", "pair \(index), run \(request): exit \(status ?? "none")")
                    guard status == "0\n" else { continue }
                    succeeded += 1
                    #expect(final.contains(address), "pair \(index): run \(request) exited 0 but its device is lost")
                }
            }
            #expect(succeeded == 2 * pairs)
            #expect(WriteFixture.entries(directory).allSatisfy { !$0.hasPrefix(".") })
        }
    }
}

@Suite("A write interrupted or refused leaves no temporary file and no broken target")
struct InterruptedWriteTests {
    /// Starts `hostdev ARGS` in the background, and sends `signal` as soon as its temporary file
    /// `.NAME.*` exists in `directory`. Returns its exit status and whether the signal went out while
    /// the temporary file was there (the write had begun and had not been renamed yet).
    static func signalDuringWrite(_ arguments: [String], directory: String, name: String, signal: String)
        -> (status: Int32, midWrite: Bool)
    {
        // A command the shell starts with `&` ignores SIGINT and SIGQUIT: env restores their default.
        let command = (["env", "--default-signal", HostdevBinary.path] + arguments).map(\.shellQuoted)
            .joined(separator: " ")
        let script = """
            \(command) >/dev/null 2>&1 & pid=$!
            ( sleep 60; kill -KILL $pid ) >/dev/null 2>&1 & watchdog=$!
            sent=0
            while read -r _ _ state _ 2>/dev/null </proc/$pid/stat && [ "$state" != Z ]; do
              for f in '\(directory)'/.\(name).*; do
                if [ -e "$f" ]; then kill -\(signal) $pid; sent=1; break 2; fi
              done
            done
            wait $pid; status=$?
            kill $watchdog 2>/dev/null
            echo "$status $sent"
            """
        let words = HostdevBinary.unblockedShell(script).split(whereSeparator: \.isWhitespace)
        return (Int32(words.first ?? "") ?? -1, words.last == "1")
    }

    static func arguments(_ path: String) -> [String] {
        WriteFixture.inPlace(path) + ["--no-schema"]
    }

    @Test(arguments: ["INT", "TERM"])
    func aSignalDuringTheWriteLeavesNoTemporaryFile(signal: String) throws {
        try withScratchDirectory("signal") { directory in
            let path = directory + "/big.xml"
            try WriteFixture.large.write(toFile: path)
            var interrupted = 0
            for _ in 0..<10 where interrupted < 3 {
                try WriteFixture.large.write(toFile: path)
                let run = Self.signalDuringWrite(
                    Self.arguments(path), directory: directory, name: "big.xml", signal: signal)
                // Killed by the signal (128 + its number) after it was sent mid-write.
                if run.midWrite && run.status > 128 { interrupted += 1 }
                #expect(WriteFixture.entries(directory) == ["big.xml"], "exit \(run.status)")
                let now = readFile(path) ?? ""
                #expect(
                    now == WriteFixture.large || (now.contains(WriteFixture.hostdev) && now.hasSuffix("</domain>\n")))
            }
            #expect(interrupted > 0, "no run was interrupted while its temporary file existed")
        }
    }

    @Test func aKillMidWriteLeavesEitherTheOriginalOrTheWholeResult() throws {
        try withScratchDirectory("kill") { directory in
            let path = directory + "/big.xml"
            try WriteFixture.large.write(toFile: path)
            let done = HostdevBinary.bounded(Self.arguments(path).filter { $0 != "--in-place" }).stdout
            #expect(done.contains(WriteFixture.hostdev))
            var landed = 0
            for _ in 0..<20 where landed < 3 {
                try WriteFixture.large.write(toFile: path)
                let run = Self.signalDuringWrite(
                    Self.arguments(path), directory: directory, name: "big.xml", signal: "KILL")
                let now = readFile(path)
                #expect(now == WriteFixture.large || now == done)
                // SIGKILL cannot be caught: a temporary file left behind is the proof the kill landed
                // after the write began and before the rename.
                let leftovers = WriteFixture.entries(directory).filter { $0.hasPrefix(".big.xml.") }
                if run.midWrite && run.status == 137 && !leftovers.isEmpty && now == WriteFixture.large { landed += 1 }
                for name in leftovers { unlink(directory + "/" + name) }
            }
            #expect(landed > 0, "no kill landed mid-write")
        }
    }

    @Test(.disabled(if: Sanitizer.isThread, Sanitizer.fileSizeLimitNote))
    func aFileSizeLimitFailsTheWriteAndLeavesNoTemporaryFile() throws {
        try withScratchDirectory("xfsz") { directory in
            let path = directory + "/big.xml"
            try WriteFixture.large.write(toFile: path)
            // `ulimit -f 512`: files of at most 512 KiB, the result is about 1.3 MB.
            let inPlace = HostdevBinary.bounded(Self.arguments(path), prefix: "ulimit -f 512;")
            #expect(inPlace.status == 3, "\(inPlace.stderr)")
            #expect(inPlace.stderr.contains("File too large"), "\(inPlace.stderr)")
            #expect(readFile(path) == WriteFixture.large)
            let output = HostdevBinary.bounded(
                Self.arguments(path).filter { $0 != "--in-place" } + ["-o", directory + "/out.xml"],
                prefix: "ulimit -f 512;")
            #expect(output.status == 3, "\(output.stderr)")
            #expect(WriteFixture.entries(directory) == ["big.xml"])
        }
    }

    @Test func aCRLFDocumentComesBackWithCRLFOnly() {
        let crlf = WriteFixture.domain.replacingOccurrences("\n", "\r\n")
        // The sample domain, piped: the same transform with its lines ending in CR LF.
        let result = HostdevBinary.bounded(["transform"] + WriteFixture.transform.dropFirst(2), stdin: crlf)
        #expect(result.status == 0, "\(result.stderr)")
        let bytes = Array(result.stdout.utf8)
        let bare = bytes.indices.filter { bytes[$0] == 10 && ($0 == 0 || bytes[$0 - 1] != 13) }
        #expect(result.stdout.contains(WriteFixture.hostdev))
        #expect(bare.isEmpty, "\(bare.count) lines end in LF alone")
    }
}
