import Hostdev
import Testing

@Suite("The rule catalogue")
struct RuleCatalogueTests {
    @Test func listRulesPrintsTheTableTheReadmeShows() {
        let result = HostdevBinary.run(["lint", "--list-rules"])
        #expect(result.status == 0)
        #expect(result.stdout == RuleCatalogue.tableMarkdown)
        #expect(readFile(Repository.root + "/README.md")?.contains(result.stdout) == true)
        for id in RuleCatalogue.ids { #expect(result.stdout.contains("| `\(id)` |"), "\(id)") }
    }

    @Test func everyRuleHasOneIdAndSaysWhatItChecks() {
        let ids = RuleCatalogue.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for rule in RuleCatalogue.all {
            #expect(!rule.summary.isEmpty && !rule.explanation.isEmpty && !rule.commands.isEmpty, "\(rule.id)")
        }
    }

    @Test func noRuleNamesACommandLineFlag() {
        for rule in RuleCatalogue.all {
            #expect(!rule.explanation.contains("--") && !rule.summary.contains("--"), "\(rule.id)")
        }
    }
}
