import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One `$ command` of a README console block and the output printed under it.
struct ReadmeExample: CustomTestStringConvertible, Sendable {
    /// The command line, continuation lines joined.
    var command: String
    /// The lines shown under it; a line `...` stands for any number of lines.
    var expected: [String]
    /// The README line the command starts on.
    var line: Int

    var testDescription: String { "README.md:\(line): $ \(command)" }

    /// Every example of every ```console block of a Markdown text.
    static func all(in markdown: String) -> [ReadmeExample] {
        var examples: [ReadmeExample] = []
        var inConsole = false
        var continuing = false
        for (index, rawLine) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = String(rawLine)
            if text.hasPrefix("```") {
                inConsole = !inConsole && text == "```console"
                continue
            }
            guard inConsole else { continue }
            if continuing {
                examples[examples.count - 1].command += " " + text.trimmingLeadingSpaces()
            } else if text.hasPrefix("$ ") {
                examples.append(ReadmeExample(command: String(text.dropFirst(2)), expected: [], line: index + 1))
            } else {
                if !examples.isEmpty { examples[examples.count - 1].expected.append(text) }
                continue
            }
            continuing = examples[examples.count - 1].command.hasSuffix("\\")
            if continuing { examples[examples.count - 1].command.removeLast() }
        }
        return examples
    }

    /// Whether output lines match the expected lines: a line `...` matches any run of lines (even
    /// none), and `...` within a line any text.
    static func matches(_ actual: ArraySlice<String>, _ expected: ArraySlice<String>) -> Bool {
        guard let first = expected.first else { return actual.isEmpty }
        if first == "..." {
            let rest = expected.dropFirst()
            return actual.indices.map { actual[$0...] }.contains { matches($0, rest) } || matches([], rest)
        }
        guard let line = actual.first, matches(line: line, first) else { return false }
        return matches(actual.dropFirst(), expected.dropFirst())
    }

    static func matches(line: String, _ pattern: String) -> Bool {
        let pieces = pattern.split(separator: "...", omittingEmptySubsequences: false)
        guard pieces.count > 1 else { return line == pattern }
        guard line.hasPrefix(pieces[0]), line.dropFirst(pieces[0].count).hasSuffix(pieces.last!) else { return false }
        var rest = line.dropFirst(pieces[0].count).dropLast(pieces.last!.count)
        for piece in pieces.dropFirst().dropLast() {
            guard let range = rest.firstRange(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }
}

extension String {
    fileprivate func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}

/// The README's console examples are run as they are written, so they cannot drift from what the
/// tool prints.
@Suite("The README's examples")
struct ReadmeExamplesTests {
    static let examples = ReadmeExample.all(in: readFile(Repository.root + "/README.md") ?? "")

    @Test func theReadmeHasExamples() {
        #expect(Self.examples.count >= 5)
    }

    @Test(arguments: examples)
    func printsWhatTheReadmeShows(_ example: ReadmeExample) throws {
        let binary = HostdevBinary.path
        let binaryDirectory = binary[..<(binary.lastIndex(of: "/") ?? binary.startIndex)]
        let output = withScratchDirectory("readme") { directory -> String in
            // The examples name paths relative to the repository and write files (even in place):
            // run them in a scratch directory holding copies of the folders they read.
            _ = system(
                "mkdir -p '\(directory)/Tests' && cp -R '\(Repository.root)/Samples' '\(Repository.root)/Schemas' "
                    + "'\(directory)/' && cp -R '\(Repository.root)/Tests/Fixtures' '\(directory)/Tests/'")
            let script = "cd '\(directory)' && PATH='\(binaryDirectory)':\"$PATH\" && " + example.command
            let quoted = "'" + script.replacingOccurrences("'", "'\\''") + "'"
            return HostdevBinary.shell("bash -c \(quoted) 2>&1")
        }
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var expected = example.expected
        while expected.last == "" { expected.removeLast() }
        #expect(
            ReadmeExample.matches(lines[...], expected[...]),
            "README.md:\(example.line): $ \(example.command)\n--- printed:\n\(output)")
    }
}
