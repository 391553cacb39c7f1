import Foundation
import LibXML
import Testing

@testable import Hostdev

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The grammar used last is compiled ahead on another thread, and used only when it is the one needed")
struct GrammarCompiledAheadTests {
    typealias Edit = DomainSchemaCheckTests.Edit
    static let hostdev: [Edit] = [.append(into: "devices", xml: DomainSchemaCheckTests.hostdev())]
    static let interface: [Edit] = [
        .append(
            into: "devices",
            xml:
                "<interface type='hostdev' managed='no'><source><address type='pci' domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></interface>"
        )
    ]

    /// A check with a cache in `cache` that compiles ahead, as the command line does.
    static func aheadCheck(_ cache: String) throws -> DomainSchemaCheck {
        let check = try DomainSchemaCheck(cache: ReducedGrammarCache(directory: cache))
        check.compileRecentGrammarInBackground()
        return check
    }

    static let schema = RelaxNGSchema.libvirtSchemaDirectory + "/domain.rng"

    /// Whether `edits` of the test domain pass `check`.
    static func passes(_ check: DomainSchemaCheck, _ edits: [Edit]) throws -> Bool {
        try DomainSchemaCheckTests.verdict(check, DomainSchemaCheckTests.domain, edits).isEmpty
    }

    @Test func everyVerdictIsTheSameWhenTheGrammarWasCompiledAhead() throws {
        let plain = try DomainSchemaCheck()
        for (name, edits, valid) in DomainSchemaCheckTests.cases {
            try withScratchDirectory("ahead-verdicts") { scratch in
                let cache = scratch + "/cache"
                let expected = try DomainSchemaCheckTests.verdict(plain, DomainSchemaCheckTests.domain, edits)
                #expect(expected.isEmpty == valid, "\(name)")
                // The first run notes its grammar (when the reduced check applies); the second
                // compiles that one ahead.
                let first = try DomainSchemaCheckTests.verdict(
                    try Self.aheadCheck(cache), DomainSchemaCheckTests.domain, edits)
                let secondCheck = try Self.aheadCheck(cache)
                let second = try DomainSchemaCheckTests.verdict(secondCheck, DomainSchemaCheckTests.domain, edits)
                #expect(first == expected, "\(name)")
                #expect(second == expected, "\(name)")
                if valid {
                    #expect(secondCheck.usedGrammarCompiledAhead, "\(name): the grammar compiled ahead was not used")
                }
            }
        }
    }

    @Test func aWrongGuessIsNotUsedAndTheGrammarNeededIsNotedInstead() throws {
        try withScratchDirectory("ahead-guess") { scratch in
            let cache = scratch + "/cache"
            let store = ReducedGrammarCache(directory: cache)
            #expect(try Self.passes(Self.aheadCheck(cache), Self.hostdev))
            let hostdevKey = try #require(store.recentKey(schema: Self.schema))
            // The guess (the hostdev grammar) does not fit an interface: not used, and the
            // interface's grammar is noted for next time.
            let wrong = try Self.aheadCheck(cache)
            #expect(try Self.passes(wrong, Self.interface))
            #expect(!wrong.usedGrammarCompiledAhead)
            let interfaceKey = try #require(store.recentKey(schema: Self.schema))
            #expect(interfaceKey != hostdevKey)
            let right = try Self.aheadCheck(cache)
            #expect(try Self.passes(right, Self.interface))
            #expect(right.usedGrammarCompiledAhead)
            // An invalid interface is refused whichever grammar was compiled ahead.
            let invalid = try Self.aheadCheck(cache)
            let refused: [Edit] = [
                .append(into: "devices", xml: "<interface type='hostdev' managed='maybe'><source/></interface>")
            ]
            #expect(try !Self.passes(invalid, refused))
        }
    }

    @Test func aNoteOthersCouldHaveWrittenIsPassedOver() throws {
        try withScratchDirectory("ahead-untrusted") { scratch in
            let cache = scratch + "/cache"
            let store = ReducedGrammarCache(directory: cache)
            #expect(try Self.passes(Self.aheadCheck(cache), Self.hostdev))
            let note = cache + "/" + ReducedGrammarCache.recentName(schema: Self.schema)
            #expect(store.recentKey(schema: Self.schema) != nil)
            chmod(note, 0o622)
            #expect(store.recentKey(schema: Self.schema) == nil, "a group-writable note")
            chmod(note, 0o600)
            #expect(chown(note, 65534, 65534) == 0)
            #expect(store.recentKey(schema: Self.schema) == nil, "a note of another user")
            #expect(unlink(note) == 0 && symlink(cache + "/elsewhere", note) == 0)
            #expect(store.recentKey(schema: Self.schema) == nil, "a link")
            // A note naming a key that has no entry: compiled ahead to nothing, and the check is as
            // without it.
            #expect(unlink(note) == 0)
            store.remember(recent: "hostdev|nothing stored", schema: Self.schema)
            let check = try Self.aheadCheck(cache)
            #expect(try Self.passes(check, Self.hostdev))
            #expect(!check.usedGrammarCompiledAhead)
        }
    }

    @Test func aCheckThatDoesNotCompileAheadWritesNoNote() throws {
        try withScratchDirectory("ahead-none") { scratch in
            let cache = scratch + "/cache"
            let check = try DomainSchemaCheck(cache: ReducedGrammarCache(directory: cache))
            #expect(try Self.passes(check, Self.hostdev))
            let names = try FileManager.default.contentsOfDirectory(atPath: cache)
            #expect(names.contains { $0.hasSuffix(".rng") })
            #expect(!names.contains { $0.hasSuffix(".key") })
        }
    }
}
