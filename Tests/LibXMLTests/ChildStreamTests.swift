import LibXML
import Testing

@Suite("Reading a document one child of the root at a time")
struct ChildStreamTests {
    /// The error `read` gives for `text`, and the names of the children it handed over first.
    static func failure(_ text: String, limits: ParseLimits = .standard) -> (XMLError?, [String]) {
        var seen: [String] = []
        do {
            _ = try XMLChildStream.read(Array(text.utf8), source: "in.xml", limits: limits) { seen.append($0.name) }
            return (nil, seen)
        } catch {
            return (error, seen)
        }
    }

    @Test func eachChildIsHandedOverAloneWithItsPlaceAndNamespaces() throws {
        let text = "<r xmlns:t='urn:t'>\n  <a n='1'><t:x>one</t:x></a>\n  <!-- c -->\n  <b/>text<c>\n</c>\n</r>\n"
        var seen: [String] = []
        let root = try XMLChildStream.read(Array(text.utf8), source: "in.xml") { child in
            // The tree holds this child and nothing else the root had before it.
            #expect(child.parent?.elements.count == 1)
            #expect(child.previousSibling.map { $0.kind == .text } ?? true)
            seen.append("\(child.name)@\(child.line ?? 0):\(child.column ?? 0)")
            if child.name == "a" {
                #expect(child.attribute("n") == "1")
                #expect(child.elements.first?.namespaceURI == "urn:t")
                #expect(child.serialized() == "<a n=\"1\"><t:x>one</t:x></a>")
            }
        }
        #expect(seen == ["a@2:3", "b@4:3", "c@4:11"])
        #expect(root.name == "r" && root.elements.isEmpty)
    }

    @Test func malformedInputGivesTheFirstErrorWithItsPlace() {
        let (error, seen) = Self.failure("<r>\n  <a/>\n  <b>\n  </c>\n</r>\n")
        #expect(error?.code == .malformed && error?.file == "in.xml" && error?.line == 4)
        #expect(error?.reason.contains("b") == true)
        #expect(seen == ["a"])
    }

    @Test func aDoctypeIsRefusedAtItsStart() {
        let (error, seen) = Self.failure("<?xml version='1.0'?>\n<!DOCTYPE r [<!ENTITY e 'x'>]>\n<r><a>&e;</a></r>")
        #expect(error?.code == .doctypeRefused && error?.line == 2)
        #expect(seen.isEmpty)
    }

    @Test func theBoundsHoldBeforeAnyChildIsRead() {
        var limits = ParseLimits.standard
        limits.maxElements = 3
        let (tooMany, seen) = Self.failure("<r><a/><b/><c/></r>", limits: limits)
        #expect(tooMany?.code == .tooLarge && tooMany?.column == 12)
        #expect(seen.isEmpty)
        limits = .standard
        limits.maxBytes = 8
        #expect(Self.failure("<r><a/><b/></r>", limits: limits).0?.code == .tooLarge)
    }

    @Test func aDocumentWithoutARootIsMalformed() {
        let empty = Self.failure("").0
        #expect(empty?.code == .malformed && empty?.reason == "Document is empty" && empty?.line == 1)
        #expect(Self.failure("<!-- only -->").0?.code == .malformed)
    }
}
