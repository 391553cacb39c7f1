import Testing

@testable import LibXML

/// The proof that spliced bytes are the edited document (``XMLDocument/readsBack(_:limits:)``): it
/// must accept real splices and refuse any difference, and agree with what reparsing the bytes and
/// serializing both trees would say.
@Suite("Spliced bytes read back as the edited tree, or are refused")
struct ReadBackTests {
    static let qemu = "http://libvirt.org/schemas/domain/qemu/1.0"

    static let domain = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- written by a management layer -->
        <?app keep?>
        <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
          <name>a &amp; b &#x41;</name>
          <metadata>
            <app:tag xmlns:app="http://example.com/app" z='1' a='x &apos;&amp;&#10; y'>keep &lt;me&gt;</app:tag>
          </metadata>
          <description><![CDATA[<raw> & stuff]]></description>
          <devices>
            <!-- a comment -->
            <disk type='file'/>
          </devices>
          <qemu:commandline>
            <qemu:arg value='-S'/>
          </qemu:commandline>
        </domain>
        <!-- after -->

        """

    /// `text` parsed, with a `<hostdev>` appended to `<devices>` and a `<qemu:arg>` to
    /// `<qemu:commandline>`, as a transform adds them; and its spliced bytes.
    static func edited(_ text: String) throws -> (XMLDocument, String) {
        let document = try XMLDocument(parsing: text)
        let devices = try #require(document.root.firstElement(named: "devices"))
        let hostdev = devices.appendIndentedElement("hostdev", attributes: [("mode", "subsystem"), ("note", "it's")])
        hostdev.appendIndentedElement("source")
        if let commandline = document.root.elements.first(where: { $0.name == "commandline" }) {
            commandline.appendIndentedElement("arg", attributes: [("value", "-s")], namespace: (qemu, "qemu"))
        }
        let spliced = try #require(document.splicedSource())
        return (document, String(decoding: spliced, as: UTF8.self))
    }

    /// The verdict of the proof, after checking it is never weaker than reparsing the bytes and
    /// comparing the serializations of both trees (it may be stricter: a declaration that names the
    /// encoding libxml2 writes anyway is a difference to it).
    static func verdict(_ document: XMLDocument, _ text: String) throws -> Bool {
        let bytes = Array(text.utf8)
        let reparsed = try? XMLDocument(parsing: bytes)
        let serializationsAgree = try reparsed.map { try $0.treeSerialized() == document.treeSerialized() } ?? false
        let verdict = document.readsBack(bytes)
        #expect(!verdict || serializationsAgree, "the proof accepts what the serializations refuse:\n\(text)")
        return verdict
    }

    // MARK: - Real splices are accepted

    @Test func aSpliceReadsBack() throws {
        let (document, spliced) = try Self.edited(Self.domain)
        #expect(spliced.contains("    <hostdev mode='subsystem' note=\"it's\">\n      <source/>\n    </hostdev>\n"))
        #expect(spliced.contains("    <qemu:arg xmlns:qemu='\(Self.qemu)' value='-s'/>\n"))
        #expect(try Self.verdict(document, spliced))
        #expect(try document.serializedString() == spliced)
    }

    @Test func aSpliceOfACRLFDocumentReadsBack() throws {
        let (document, spliced) = try Self.edited(Self.domain.replacingOccurrences("\n", "\r\n"))
        #expect(spliced.contains("\r\n    <hostdev mode='subsystem' note=\"it's\">\r\n      <source/>\r\n"))
        #expect(!spliced.replacingOccurrences("\r\n", "").contains("\n"))
        #expect(try Self.verdict(document, spliced))
        #expect(try document.serializedString() == spliced)
    }

    @Test func aSpliceIntoAnEmptyElementReadsBack() throws {
        let (document, spliced) = try Self.edited("<domain>\n  <devices/>\n</domain>")
        #expect(
            spliced
                == "<domain>\n  <devices>\n    <hostdev mode=\"subsystem\" note=\"it's\">\n      <source/>\n    </hostdev>\n  </devices>\n</domain>"
        )
        #expect(try Self.verdict(document, spliced))
    }

    @Test func anEmptyElementWrittenOpenAndClosedIsTheSame() throws {
        let (document, spliced) = try Self.edited(Self.domain)
        #expect(try Self.verdict(document, spliced.replacingOccurrences("<source/>", "<source></source>")))
    }

    @Test func textSplitByCharacterReferencesIsTheSame() throws {
        let (document, spliced) = try Self.edited(Self.domain)
        #expect(try Self.verdict(document, spliced.replacingOccurrences("a &amp; b &#x41;", "&#97; &#x26; b A")))
    }

    @Test func aDocumentTypeIsRefusedBeforeAnyComparison() throws {
        let doctype = "<!DOCTYPE domain [<!ENTITY x \"y\">]>\n<domain>&x;</domain>\n"
        #expect(throws: XMLError.self) { try XMLDocument(parsing: doctype) }
        // A tree holds none, so bytes that carry one do not read back as it.
        let document = try XMLDocument(parsing: "<domain>y</domain>\n")
        #expect(!document.readsBack(Array(doctype.utf8)))
        #expect(!document.readsBack(Array("<!DOCTYPE domain>\n<domain>y</domain>\n".utf8)))
    }

    // MARK: - Any difference is refused

    @Test(arguments: [
        ("a moved text", "\n    <hostdev", "<hostdev"),
        ("a changed attribute", "z='1'", "z='2'"),
        ("attributes in another order", "z='1' a='x &apos;&amp;&#10; y'", "a='x &apos;&amp;&#10; y' z='1'"),
        ("an attribute value decoded differently", "&#10; y'", " y'"),
        ("a lost comment", "<!-- a comment -->", ""),
        ("a lost comment before the root", "<!-- written by a management layer -->", ""),
        ("a lost comment after the root", "<!-- after -->", ""),
        ("a changed instruction", "<?app keep?>", "<?app kept?>"),
        ("text split by a comment", "keep &lt;me&gt;", "keep <!---->&lt;me&gt;"),
        ("text with one more space", "\n    <hostdev", "\n     <hostdev"),
        ("an escape written as text", "a &amp; b", "a &amp;amp; b"),
        ("CDATA written as text", "<![CDATA[<raw> & stuff]]>", "&lt;raw&gt; &amp; stuff"),
        ("CDATA split by text", "<![CDATA[<raw> & stuff]]>", "<![CDATA[<raw>]]> &amp; stuff"),
        ("another prefix", "<qemu:arg value='-S'/>", "<q:arg xmlns:q='\(qemu)' value='-S'/>"),
        ("another namespace", "xmlns:app=\"http://example.com/app\"", "xmlns:app=\"http://example.com/other\""),
        ("a namespace declared twice", "<qemu:arg value='-S'/>", "<qemu:arg xmlns:qemu='\(qemu)' value='-S'/>"),
        ("another declaration", " encoding=\"UTF-8\"", ""),
        ("one more element", "</devices>", "<disk/></devices>"),
        ("an unclosed element", "</domain>", ""),
        ("an entity not declared", "a &amp; b", "a &b; b"),
    ])
    func aDifferenceIsRefused(_ name: String, _ original: String, _ replacement: String) throws {
        let (document, spliced) = try Self.edited(Self.domain)
        let changed = spliced.replacingOccurrences(original, replacement)
        #expect(changed != spliced, "\(name): the case changes nothing")
        #expect(try !Self.verdict(document, changed), "\(name)")
    }

    @Test func aMovedElementIsRefused() throws {
        let (document, spliced) = try Self.edited(Self.domain)
        let block = "\n    <hostdev mode='subsystem' note=\"it's\">\n      <source/>\n    </hostdev>"
        let without = spliced.replacingOccurrences(block, "")
        #expect(without != spliced)
        let moved = without.replacingOccurrences("\n    <disk type='file'/>", block + "\n    <disk type='file'/>")
        #expect(try !Self.verdict(document, moved))
        // The same nodes with the same text, in another order.
        #expect(moved.count == spliced.count)
    }

    @Test func editsInPlaceAreNotSplicedButWrittenWhole() throws {
        let (document, spliced) = try Self.edited(Self.domain)
        document.root.setAttribute("type", "qemu")
        #expect(!document.readsBack(Array(spliced.utf8)))
        #expect(try document.serializedString().hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!--"))
        #expect(try document.serializedString().contains(" type=\"qemu\">"))
    }
}
