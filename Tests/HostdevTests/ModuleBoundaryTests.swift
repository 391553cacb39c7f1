import Testing

/// The executable parses arguments and prints: it sees the library `Hostdev` and nothing under it.
@Suite("The command-line tool's imports")
struct ModuleBoundaryTests {
    @Test func theToolImportsOnlyHostdev() {
        let imports = HostdevBinary.shell(
            "grep -rhE '^[a-z@_ ]*import ' '\(Repository.root)/Sources/hostdev' | sort -u")
        let modules = Set(imports.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(modules.isSubset(of: ["ArgumentParser", "Hostdev", "Glibc"]), "\(modules)")
        #expect(modules.contains("Hostdev"))
    }
}
