import LibXML
import Testing

@Suite("Hardened parsing")
struct ParsingTests {
    @Test func parsesWellFormedDocument() throws {
        let document = try XMLDocument(parsing: "<domain type='kvm'><name>vm</name></domain>", source: "vm.xml")
        #expect(document.root.name == "domain")
        #expect(document.root.attribute("type") == "kvm")
        #expect(document.root.firstElement(named: "name")?.textContent == "vm")
    }

    @Test func malformedInputCarriesFileLineAndColumn() {
        let text = "<domain>\n  <name>vm</name>\n  <devices>\n  </device>\n</domain>\n"
        #expect {
            try XMLDocument(parsing: text, source: "broken.xml")
        } throws: { error in
            guard let error = error as? XMLError else { return false }
            return error.code == .malformed && error.file == "broken.xml" && error.line == 4 && error.column != nil
                && error.reason.contains("devices")
        }
    }

    @Test func refusesDoctypeAndExternalEntities() {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE domain [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <domain><name>&secret;</name></domain>
            """
        #expect {
            try XMLDocument(parsing: text, source: "xxe.xml")
        } throws: { error in
            (error as? XMLError)?.code == .doctypeRefused && (error as? XMLError)?.line == 2
        }
    }

    @Test func refusesEntityExpansionBomb() {
        var text = "<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            text += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        text += "]><lolz>&lol9;</lolz>"
        #expect(throws: XMLError(.doctypeRefused, "")) { try XMLDocument(parsing: text) }
    }

    @Test func refusesDeepNesting() {
        let depth = 100_000
        let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect(throws: XMLError(.malformed, "")) { try XMLDocument(parsing: text) }
    }

    @Test func refusesInputOverTheSizeBound() {
        let text = "<domain>" + String(repeating: " ", count: 2048) + "</domain>"
        #expect(throws: XMLError(.tooLarge, "")) {
            try XMLDocument(parsing: text, limits: ParseLimits(maxBytes: 1024))
        }
    }

    @Test func acceptsByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<domain/>".utf8)
        #expect(try XMLDocument(parsing: bytes).root.name == "domain")
    }

    @Test func refusesInvalidUTF8AndNUL() {
        #expect(throws: XMLError(.malformed, "")) {
            try XMLDocument(parsing: [0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E])
        }
        #expect(throws: XMLError(.malformed, "")) { try XMLDocument(parsing: Array("<a>\u{0}</a>".utf8)) }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: XMLError(.unreadable, "")) { try XMLDocument(contentsOf: "/nonexistent/domain.xml") }
    }

    @Test func nodeColumnsComeFromTheSource() throws {
        let document = try XMLDocument(parsing: "<domain>\n  <devices>\n    <hostdev/>\n  </devices>\n</domain>")
        let hostdev = try #require(try document.select("//hostdev").first)
        #expect(hostdev.line == 3)
        #expect(hostdev.column == 5)
    }
}

@Suite("What libxml2 would stop at or pass over unbounded is refused before it parses")
struct ParseBoundTests {
    @Test func aNULAfterTheRootIsRefusedWithItsPosition() {
        let bytes = Array("<domain>\n  <name>a</name>\n</domain>".utf8) + [0] + Array("<evil/>".utf8)
        #expect {
            try XMLDocument(parsing: bytes, source: "nul.xml")
        } throws: { error in
            guard let error = error as? XMLError else { return false }
            return error.description.contains("a NUL byte") && error.line == 3 && error.column == 10
        }
    }

    @Test func utf16InputIsStillParsed() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<domain><name>a</name></domain>".utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(try XMLDocument(parsing: bytes, source: "utf16.xml").root.name == "domain")
    }

    @Test(arguments: ["<!---->", "<?a?>", "<![CDATA[]]>"])
    func nodesThatAreNotElementsCountTowardTheBound(node: String) {
        let text = "<domain>" + String(repeating: node, count: 200_001) + "</domain>"
        #expect {
            try XMLDocument(parsing: Array(text.utf8), source: "nodes.xml", limits: .domain)
        } throws: { "\($0)".contains("more than 200000 elements, comments and processing instructions") }
    }
}
