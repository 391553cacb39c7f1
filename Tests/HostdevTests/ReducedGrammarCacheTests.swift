import Foundation
import Hostdev
import LibXML
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Reduced grammars kept between runs are used only while libvirt's schema files are unchanged")
struct ReducedGrammarCacheTests {
    typealias Edit = DomainSchemaCheckTests.Edit
    static let valid: [Edit] = [.append(into: "devices", xml: DomainSchemaCheckTests.hostdev())]
    static let managedNo: [Edit] = [.append(into: "devices", xml: DomainSchemaCheckTests.hostdev(managed: "no"))]

    /// A copy of the installed schema directory, to change.
    static func copySchemas(to directory: String) throws {
        #expect(system("cp -r '\(RelaxNGSchema.libvirtSchemaDirectory)' '\(directory)/schemas'") == 0)
    }

    static func check(_ schemas: String, _ cache: String) throws -> DomainSchemaCheck {
        try DomainSchemaCheck(directory: schemas, cache: ReducedGrammarCache(directory: cache))
    }

    static func entries(_ cache: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cache)) ?? []
        return names.filter { $0.hasSuffix(".rng") }.map { cache + "/" + $0 }
    }

    /// Checks a valid edit with a cache in `cache`, and returns the entry it stored.
    static func storedEntry(_ cache: String) throws -> String {
        #expect(try usesStoredGrammar(cache) == false)
        return try #require(entries(cache).first)
    }

    /// Checks a valid edit with a cache in `cache` (the verdict must be a pass); whether the stored
    /// grammar was used instead of the schema files.
    static func usesStoredGrammar(_ cache: String) throws -> Bool {
        let check = try DomainSchemaCheck(cache: ReducedGrammarCache(directory: cache))
        #expect(try DomainSchemaCheckTests.verdict(check, DomainSchemaCheckTests.domain, valid).isEmpty)
        return !check.hasIndexedSchema
    }

    @Test func aSecondRunUsesTheStoredGrammarAndGivesTheSameVerdicts() throws {
        try withScratchDirectory("grammar-cache") { scratch in
            let cache = scratch + "/cache"
            for (name, edits, valid) in DomainSchemaCheckTests.cases {
                let fresh = try DomainSchemaCheckTests.verdict(
                    try DomainSchemaCheck(cache: ReducedGrammarCache(directory: cache)), DomainSchemaCheckTests.domain,
                    edits)
                let again = try DomainSchemaCheck(cache: ReducedGrammarCache(directory: cache))
                let stored = try DomainSchemaCheckTests.verdict(again, DomainSchemaCheckTests.domain, edits)
                #expect(fresh.isEmpty == valid, "\(name)")
                #expect(stored == fresh, "\(name)")
                if valid { #expect(!again.hasIndexedSchema, "\(name): the stored grammar was not used") }
            }
            var info = stat()
            #expect(stat(cache, &info) == 0 && info.st_mode & 0o777 == 0o700)
            for entry in Self.entries(cache) { #expect(stat(entry, &info) == 0 && info.st_mode & 0o777 == 0o600) }
            #expect(!Self.entries(cache).isEmpty)
        }
    }

    @Test func aChangedSchemaFileMakesTheStoredGrammarStale() throws {
        try withScratchDirectory("grammar-stale") { scratch in
            try Self.copySchemas(to: scratch)
            let schemas = scratch + "/schemas"
            let cache = scratch + "/cache"
            #expect(
                try DomainSchemaCheckTests.verdict(
                    try Self.check(schemas, cache), DomainSchemaCheckTests.domain, Self.managedNo
                ).isEmpty)
            // libvirt's schema, changed so that managed='no' is no longer valid: the stored grammar,
            // which admits it, must not decide.
            let common = schemas + "/domaincommon.rng"
            let text = try String(decoding: XMLInput.readBytes(path: common), as: UTF8.self)
            let changed = text.replacingOccurrences(
                #"<attribute name="managed">"#,
                #"<attribute name="managed"><value>yes</value></attribute><attribute name="unused-managed">"#)
            #expect(changed != text)
            try AtomicFile.write(Array(changed.utf8), to: common)
            let after = try Self.check(schemas, cache)
            let findings = try DomainSchemaCheckTests.verdict(after, DomainSchemaCheckTests.domain, Self.managedNo)
            #expect(after.hasIndexedSchema)
            #expect(findings.contains { $0.severity != .note }, "\(findings)")
        }
    }

    @Test func anEntryOrDirectoryOthersCouldHaveWrittenIsPassedOver() throws {
        try withScratchDirectory("grammar-untrusted") { scratch in
            let cache = scratch + "/cache"
            let entry = try Self.storedEntry(cache)
            func used() throws -> Bool { try Self.usesStoredGrammar(cache) }
            #expect(try used())
            chmod(entry, 0o620)
            #expect(try !used(), "a group-writable entry")
            chmod(entry, 0o600)
            chmod(cache, 0o777)
            #expect(try !used(), "a world-writable directory")
            chmod(cache, 0o700)
            #expect(chown(entry, 65534, 65534) == 0)
            #expect(try !used(), "an entry of another user")
            // Written anew (the next run's own entry replaced it) and trusted again.
            #expect(try used())
            // A link in place of the directory is not followed.
            #expect(rename(cache, scratch + "/real") == 0 && symlink(scratch + "/real", cache) == 0)
            #expect(try !used(), "a link to the directory")
        }
    }

    @Test func aTruncatedEntryIsPassedOver() throws {
        try withScratchDirectory("grammar-truncated") { scratch in
            let cache = scratch + "/cache"
            let entry = try Self.storedEntry(cache)
            var info = stat()
            #expect(stat(entry, &info) == 0)
            #expect(truncate(entry, info.st_size - 100) == 0)
            #expect(try !Self.usesStoredGrammar(cache))
        }
    }

    @Test func anEntryThatNamesNoSchemaFileIsPassedOver() throws {
        try withScratchDirectory("grammar-sourceless") { scratch in
            let cache = scratch + "/cache"
            let entry = try Self.storedEntry(cache)
            // The same entry without its `file` lines: nothing says it is current.
            let text = String(decoding: try XMLInput.readBytes(path: entry), as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let kept = lines.filter { !$0.hasPrefix("file ") }.joined(separator: "\n")
            #expect(kept.count < text.count)
            try AtomicFile.write(Array(kept.utf8), to: entry)
            #expect(chmod(entry, 0o600) == 0)
            #expect(try !Self.usesStoredGrammar(cache))
        }
    }

    @Test func anEntryAnotherBuildWroteIsWrittenAnew() throws {
        try withScratchDirectory("grammar-build") { scratch in
            let cache = scratch + "/cache"
            let entry = try Self.storedEntry(cache)
            // The same entry but for the first line: another version (or executable) of hostdev.
            let text = String(decoding: try XMLInput.readBytes(path: entry), as: UTF8.self)
            let other = text.replacingOccurrences(" \(hostdevVersion) ", " 0.0.0-other ")
            #expect(other != text)
            try AtomicFile.write(Array(other.utf8), to: entry)
            #expect(chmod(entry, 0o600) == 0)
            #expect(try !Self.usesStoredGrammar(cache))
            #expect(try Self.usesStoredGrammar(cache))
        }
    }

    @Test func theUsersCacheFollowsTheXDGConvention() {
        #expect(ReducedGrammarCache.user(environment: ["HOME": "/root"])?.directory == "/root/.cache/hostdev")
        #expect(
            ReducedGrammarCache.user(environment: ["HOME": "/root", "XDG_CACHE_HOME": "/var/tmp/c"])?.directory
                == "/var/tmp/c/hostdev")
        #expect(
            ReducedGrammarCache.user(environment: ["HOME": "/root", "XDG_CACHE_HOME": "relative"])?.directory
                == "/root/.cache/hostdev")
        #expect(ReducedGrammarCache.user(environment: ["HOME": "/", "HOSTDEV_NO_CACHE": "1"]) == nil)
        #expect(ReducedGrammarCache.user(environment: ["HOME": "relative"]) == nil)
        #expect(ReducedGrammarCache.user(environment: [:]) == nil)
    }

    @Test func aMissingSchemaIsStillAnErrorAtOnce() {
        #expect(throws: XMLError.self) {
            try DomainSchemaCheck(directory: "/nonexistent/schemas", cache: ReducedGrammarCache(directory: "/tmp"))
        }
    }
}
