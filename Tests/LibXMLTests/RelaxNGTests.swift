import LibXML
import Testing

@Suite("RELAX NG against libvirt's installed domain schema")
struct RelaxNGTests {
    static let schema = Result { try RelaxNGSchema.libvirtDomain() }

    @Test func acceptsAValidDomain() throws {
        let document = try XMLDocument(
            parsing: """
                <domain type='kvm'>
                  <name>vm</name>
                  <memory>1048576</memory>
                  <os><type>hvm</type></os>
                  <devices>
                    <hostdev mode='subsystem' type='pci' managed='no'>
                      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
                    </hostdev>
                  </devices>
                </domain>
                """)
        #expect(try Self.schema.get().validate(document).isEmpty)
    }

    @Test func reportsViolationsWithLines() throws {
        let document = try XMLDocument(
            parsing: """
                <domain type='kvm'>
                  <name>vm</name>
                  <memory>1048576</memory>
                  <os><type>hvm</type></os>
                  <devices>
                    <hostdev mode='subsystem' type='pci' managed='maybe'>
                      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
                    </hostdev>
                  </devices>
                </domain>
                """)
        let violations = try Self.schema.get().validate(document)
        #expect(!violations.isEmpty)
        // libxml2 reports an invalid child at the element that holds it, as xmllint does.
        #expect(violations.contains { $0.line == 5 && $0.element == "devices" }, "\(violations)")
    }

    @Test func oneCompiledSchemaValidatesManyDocumentsConcurrently() async throws {
        let schema = try Self.schema.get()
        let verdicts = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let memory = index.isMultiple(of: 2) ? "1024" : "lots"
                    let text =
                        "<domain type='kvm'><name>vm</name><memory>\(memory)</memory><os><type>hvm</type></os></domain>"
                    guard let document = try? XMLDocument(parsing: text) else { return false }
                    return schema.validate(document).isEmpty == index.isMultiple(of: 2)
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(verdicts.allSatisfy { $0 })
    }

    @Test func missingSchemaIsAClearError() {
        #expect {
            try RelaxNGSchema.libvirtDomain(directory: "/nonexistent/schemas")
        } throws: { error in
            guard let error = error as? XMLError else { return false }
            return error.code == .schema && error.reason.contains("/nonexistent/schemas/domain.rng")
        }
    }
}
