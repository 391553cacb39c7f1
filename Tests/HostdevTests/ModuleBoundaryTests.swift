import Testing

/// The executable parses arguments and prints: it sees the library `Hostdev` and nothing under it
/// (besides the system and Swift's own `Synchronization`).
@Suite("The command-line tool's imports")
struct ModuleBoundaryTests {
    @Test func theToolImportsOnlyHostdev() {
        let imports = HostdevBinary.shell(
            "grep -rhE '^[a-z@_ ]*import ' '\(Repository.root)/Sources/hostdev' | sort -u")
        let modules = Set(imports.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(modules.isSubset(of: ["ArgumentParser", "Hostdev", "Glibc", "Synchronization"]), "\(modules)")
        #expect(modules.contains("Hostdev"))
    }
}
