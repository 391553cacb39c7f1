import Foundation
import Testing

@testable import Hostdev

/// The bound on links followed while resolving one sysfs path (40, as the kernel's) gives the same
/// verdict whatever the tree resolved before: a directory it remembers counts its links again.
@Suite("Links followed in a sysfs tree")
struct SysfsLinkBoundTests {
    /// Makes in `root` a chain of `chain` links `l0` -> `l1` -> ... -> `d` (a directory holding
    /// `f`), and a chain of `detour` links `m0` -> ... -> `l<chain - via>/f`: resolving `m0`
    /// follows `detour + via` links.
    static func makeTree(in root: String, chain: Int, via: Int, detour: Int) throws {
        let files = FileManager.default
        try files.createDirectory(atPath: root + "/d", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/d/f"))
        for index in 0..<chain {
            try files.createSymbolicLink(
                atPath: root + "/l\(index)", withDestinationPath: index == chain - 1 ? "d" : "l\(index + 1)")
        }
        for index in 0..<detour {
            try files.createSymbolicLink(
                atPath: root + "/m\(index)",
                withDestinationPath: index == detour - 1 ? "l\(chain - via)/f" : "m\(index + 1)")
        }
    }

    /// Whether `m0` resolves, in a fresh tree or after `l<chain - via>` was resolved on its own.
    static func resolves(chain: Int, via: Int, detour: Int, warmed: Bool) throws -> Bool {
        try withScratchDirectory("links") { root in
            try makeTree(in: root, chain: chain, via: via, detour: detour)
            let tree = SysfsTree(root: root)
            if warmed { #expect(try tree.resolveDirectory("l\(chain - via)") == "d") }
            do throws(InventoryError) {
                #expect(try tree.resolve("m0") == "d/f")
                return true
            } catch {
                #expect(error.description.contains("too many levels of symbolic links"))
                return false
            }
        }
    }

    @Test(arguments: [false, true])
    func aPathWithinTheBoundResolves(warmed: Bool) throws {
        // 15 links to reach l10/f, 20 more for the directory l10: 35.
        #expect(try Self.resolves(chain: 30, via: 20, detour: 15, warmed: warmed))
    }

    @Test(arguments: [false, true])
    func aPathBeyondTheBoundFailsEvenWhenItsDirectoryWasResolvedBefore(warmed: Bool) throws {
        // 25 links to reach l10/f, 20 more for l10: 45. Resolving l10 first (20 links, within the
        // bound) once let the second path count none of them, and pass.
        #expect(try !Self.resolves(chain: 30, via: 20, detour: 25, warmed: warmed))
    }

    @Test func aDirectoryWhoseResolutionNeedsItselfIsALoop() throws {
        try withScratchDirectory("links") { root in
            try FileManager.default.createSymbolicLink(atPath: root + "/a", withDestinationPath: "a/b")
            let tree = SysfsTree(root: root)
            #expect {
                try tree.resolve("a/c")
            } throws: { error in
                "\(error)".contains("too many levels of symbolic links")
            }
        }
    }
}
