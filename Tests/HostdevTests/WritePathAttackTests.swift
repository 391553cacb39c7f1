import CXattr
import Hostdev
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What another user can plant or change on the way to a file hostdev writes: links in the
/// directories of the path, a FIFO, a directory swapped after the path was walked, a write into the
/// file by a program that takes no lock, a default ACL.
@Suite("Writes land where the path led when it was walked, through links of root's or the caller's only")
struct WritePathAttackTests {
    /// `DIRECTORY/work`, a link of nobody's to `DIRECTORY/victim`, a directory of root's holding `vm.xml`.
    static func plantedDirectoryLink(in directory: String) throws -> (link: String, victim: String) {
        let victim = directory + "/victim"
        #expect(mkdir(victim, 0o755) == 0)
        try "precious\n".write(toFile: victim + "/vm.xml")
        let link = directory + "/work"
        #expect(symlink(victim, link) == 0)
        #expect(lchown(link, 65534, 65534) == 0)
        return (link, victim)
    }

    @Test func aDirectoryLinkOfAnotherUserOnTheOutputPathIsNotFollowed() throws {
        try withScratchDirectory("dir-link-o") { directory in
            let (link, victim) = try Self.plantedDirectoryLink(in: directory)
            for arguments in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]] {
                let result = HostdevBinary.bounded(arguments + ["-o", link + "/vm.xml"])
                #expect(result.status == 1)
                #expect(
                    result.stderr.contains("\(link) is a symbolic link of another user (uid 65534); not followed"),
                    "\(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
            #expect(readFile(victim + "/vm.xml") == "precious\n")
            #expect(WriteFixture.entries(victim) == ["vm.xml"])
        }
    }

    @Test func aLinkOfAnotherUserIsNotFollowedByAnEditInPlace() throws {
        try withScratchDirectory("dir-link-inplace") { directory in
            let (link, victim) = try Self.plantedDirectoryLink(in: directory)
            let throughDirectory = HostdevBinary.bounded(WriteFixture.inPlace(link + "/vm.xml"))
            #expect(throughDirectory.status == 1)
            #expect(throughDirectory.stderr.contains("is a symbolic link of another user (uid 65534); not followed"))
            let fileLink = directory + "/vm.xml"
            #expect(symlink(victim + "/vm.xml", fileLink) == 0)
            #expect(lchown(fileLink, 65534, 65534) == 0)
            let throughFile = HostdevBinary.bounded(WriteFixture.inPlace(fileLink))
            #expect(throughFile.status == 1)
            #expect(throughFile.stderr.contains("\(fileLink) is a symbolic link of another user (uid 65534)"))
            #expect(readFile(victim + "/vm.xml") == "precious\n")
            #expect(WriteFixture.entries(victim) == ["vm.xml"])
        }
    }

    @Test func aLinkOfTheCallersIsFollowedThroughItsOwnLinksOnly() throws {
        try withScratchDirectory("link-chain") { directory in
            let (link, victim) = try Self.plantedDirectoryLink(in: directory)
            // The caller's own link, whose target passes through nobody's link to the victim's directory.
            #expect(symlink(link + "/vm.xml", directory + "/out.xml") == 0)
            let result = HostdevBinary.bounded(WriteFixture.transform + ["-o", directory + "/out.xml"])
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("\(link) is a symbolic link of another user (uid 65534)"), "\(result.stderr)")
            #expect(readFile(victim + "/vm.xml") == "precious\n")
            let slash = HostdevBinary.bounded(WriteFixture.transform + ["-o", directory + "/new/"])
            #expect(slash.status == 1)
            #expect(slash.stderr.contains("ends with '/': it names a directory"))
        }
    }

    @Test func anotherProcesssOpenFileUnderProcIsNotWritten() throws {
        try withScratchDirectory("proc-fd") { directory in
            let victim = directory + "/victim"
            try "precious\n".write(toFile: victim)
            // A process holding the victim open for reading: its /proc/PID/fd/3 leads there.
            let output = HostdevBinary.shell(
                "sleep 10 3<'\(victim)' >/dev/null 2>&1 & p=$!; '\(HostdevBinary.path)' snapshot --snapshot '\(Repository.sampleHost)' "
                    + "-o /proc/$p/fd/3 2>&1; echo rc=$?; kill $p")
            #expect(output.contains("is a link of another process; not followed"), "\(output)")
            #expect(output.hasSuffix("rc=1\n"), "\(output)")
            #expect(readFile(victim) == "precious\n")
        }
    }

    @Test func aDirectorySwappedForALinkAfterTheFileWasOpenedDoesNotMoveTheEdit() throws {
        try withScratchDirectory("dir-swap") { directory in
            #expect(mkdir(directory + "/d", 0o755) == 0)
            #expect(mkdir(directory + "/victim", 0o755) == 0)
            try "precious\n".write(toFile: directory + "/victim/vm.xml")
            try "mine\n".write(toFile: directory + "/d/vm.xml")
            let file = try InPlaceFile(path: directory + "/d/vm.xml")
            #expect(try file.read() == Array("mine\n".utf8))
            // Between the read and the write, `d` becomes a link to the victim's directory.
            #expect(rename(directory + "/d", directory + "/moved") == 0)
            #expect(symlink(directory + "/victim", directory + "/d") == 0)
            try file.replace(with: Array("edited\n".utf8))
            #expect(readFile(directory + "/victim/vm.xml") == "precious\n")
            #expect(readFile(directory + "/moved/vm.xml") == "edited\n")
            #expect(WriteFixture.entries(directory + "/victim") == ["vm.xml"])
        }
    }

    @Test func aWriteIntoTheFileByAProgramThatTakesNoLockIsNotOverwritten() throws {
        try withScratchDirectory("unlocked-writer") { directory in
            let path = directory + "/vm.xml"
            try "first\n".write(toFile: path)
            let file = try InPlaceFile(path: path)
            _ = try file.read()
            // Another program truncates and rewrites the same file (same inode), taking no lock.
            try "the other program's edit\n".write(toFile: path)
            #expect {
                try file.replace(with: Array("ours\n".utf8))
            } throws: { error in
                (error as? AtomicFile.WriteError)?.code == .refused
                    && "\(error)".contains("was changed by another program during the edit")
            }
            #expect(readFile(path) == "the other program's edit\n")
            #expect(WriteFixture.entries(directory) == ["vm.xml"])
        }
    }

    @Test func aFIFOOfAnotherUserIsRefusedWithoutWaitingForAReader() {
        withScratchDirectory("fifo-other") { directory in
            let fifo = directory + "/vm.xml"
            #expect(mkfifo(fifo, 0o666) == 0)
            #expect(chown(fifo, 65534, 65534) == 0)
            for arguments in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]] {
                let result = HostdevBinary.bounded(arguments + ["-o", fifo], seconds: 20)
                #expect(result.status == 1)
                #expect(result.stderr.contains("is a FIFO of another user (uid 65534); not written"))
            }
            #expect(WriteFixture.type(fifo) == S_IFIFO)
        }
    }

    @Test func anEditInPlaceDoesNotTakeTheDirectorysDefaultACL() throws {
        try withScratchDirectory("default-acl") { directory in
            let path = directory + "/vm.xml"
            try WriteFixture.domain.write(toFile: path)
            #expect(chmod(path, 0o640) == 0)
            // Default ACL (version 2): owner rw, user 1000 rw, group r, mask rw, others none.
            var acl: [UInt8] = [2, 0, 0, 0]
            for (tag, permissions, id) in [
                (0x01, 6, UInt32.max), (0x02, 6, 1000), (0x04, 4, .max), (0x10, 6, .max),
                (0x20, 0, .max),
            ] as [(UInt16, UInt16, UInt32)] {
                acl += withUnsafeBytes(of: tag.littleEndian, Array.init)
                acl += withUnsafeBytes(of: permissions.littleEndian, Array.init)
                acl += withUnsafeBytes(of: id.littleEndian, Array.init)
            }
            guard setxattr(directory, "system.posix_acl_default", acl, acl.count, 0) == 0 else {
                print("skipped: this file system has no POSIX ACLs (\(errno))")
                return
            }
            // What a new file in the directory gets, for comparison.
            try "new\n".write(toFile: directory + "/new")
            #expect(getxattr(directory + "/new", "system.posix_acl_access", nil, 0) > 0)
            #expect(getxattr(path, "system.posix_acl_access", nil, 0) < 0)
            let result = HostdevBinary.bounded(WriteFixture.inPlace(path))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(readFile(path)?.contains(WriteFixture.hostdev) == true)
            #expect(getxattr(path, "system.posix_acl_access", nil, 0) < 0 && errno == ENODATA)
            #expect(WriteFixture.status(path).map { $0.st_mode & 0o7777 } == 0o640)
        }
    }

    @Test(.disabled(if: Sanitizer.isThread, Sanitizer.fileSizeLimitNote))
    func aFileSizeLimitWritingThroughALinkIsAnErrorNotASignal() throws {
        try withScratchDirectory("link-limit") { directory in
            let target = directory + "/target.xml"
            try "old\n".write(toFile: target)
            #expect(symlink(target, directory + "/out.xml") == 0)
            let result = HostdevBinary.bounded(
                WriteFixture.transform + ["-o", directory + "/out.xml"], prefix: "ulimit -f 1;")
            #expect(result.status == 3, "\(result.stderr)")
            #expect(result.stderr.contains("out.xml: cannot write: File too large"), "\(result.stderr)")
        }
    }

    @Test func aNameAsLongAsTheFileSystemTakesIsWritten() throws {
        withScratchDirectory("long-name") { directory in
            let path = directory + "/" + String(repeating: "n", count: 251) + ".xml"
            let written = HostdevBinary.bounded(WriteFixture.transform + ["-o", path])
            #expect(written.status == 0, "\(written.stderr)")
            let edited = HostdevBinary.bounded(WriteFixture.inPlace(path))
            #expect(edited.status == 0, "\(edited.stderr)")
            #expect(readFile(path)?.contains(WriteFixture.hostdev) == true)
            #expect(WriteFixture.entries(directory).count == 1)
        }
    }

    @Test func anEmptyOutputPathIsAUsageError() {
        for arguments in [WriteFixture.transform, ["snapshot", "--snapshot", Repository.sampleHost]] {
            let result = HostdevBinary.bounded(arguments + ["-o", ""])
            #expect(result.status == 2)
            #expect(result.stderr.contains("-o needs a file name"), "\(result.stderr)")
        }
    }
}
