import LibXML
import Testing

#if canImport(Glibc)
    import Glibc
#endif

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

@Suite("A schema file that is not a regular file is an error, never a wait")
struct RelaxNGSchemaFileTests {
    /// A scratch directory holding `main.rng`, which includes `part.rng`.
    static func withGrammar(_ body: (String) throws -> Void) throws {
        let directory = "/tmp/hostdev-rng-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        #expect(mkdir(directory, 0o700) == 0)
        defer { _ = system("rm -rf '\(directory)'") }
        let main = """
            <grammar xmlns="http://relaxng.org/ns/structure/1.0">
              <include href="part.rng"/>
              <start><ref name="root"/></start>
            </grammar>
            """
        let part = """
            <grammar xmlns="http://relaxng.org/ns/structure/1.0">
              <define name="root"><element name="root"><empty/></element></define>
            </grammar>
            """
        for (name, text) in [("main.rng", main), ("part.rng", part)] {
            let file = fopen(directory + "/" + name, "w")
            fputs(text, file)
            fclose(file)
        }
        try body(directory)
    }

    @Test func theGrammarCompilesFromRegularFiles() throws {
        try Self.withGrammar { directory in
            let schema = try RelaxNGSchema(contentsOf: directory + "/main.rng")
            #expect(schema.validate(try XMLDocument(parsing: "<root/>")).isEmpty)
        }
    }

    @Test func aFIFOInTheSchemasPlaceIsAnError() throws {
        try Self.withGrammar { directory in
            #expect(unlink(directory + "/main.rng") == 0 && mkfifo(directory + "/main.rng", 0o600) == 0)
            #expect {
                try RelaxNGSchema(contentsOf: directory + "/main.rng")
            } throws: { "\($0)".contains("not a regular file (a named pipe)") }
        }
    }

    @Test func anIncludeFromTheNetworkIsNotFetched() throws {
        try Self.withGrammar { directory in
            // Port 9 (discard) on this host: libxml2's own HTTP input would connect to it.
            let main = try String(decoding: XMLInput.readBytes(path: directory + "/main.rng"), as: UTF8.self)
            let remote = main.replacingOccurrences("part.rng", "http://127.0.0.1:9/part.rng")
            let file = fopen(directory + "/main.rng", "w")
            fputs(remote, file)
            fclose(file)
            #expect {
                try RelaxNGSchema(contentsOf: directory + "/main.rng")
            } throws: { "\($0)".contains("could not load http://127.0.0.1:9/part.rng") }
        }
    }

    @Test func aFIFOInAnIncludedFilesPlaceIsAnError() throws {
        try Self.withGrammar { directory in
            #expect(unlink(directory + "/part.rng") == 0 && mkfifo(directory + "/part.rng", 0o600) == 0)
            #expect {
                try RelaxNGSchema(contentsOf: directory + "/main.rng")
            } throws: { "\($0)".contains("could not load") && "\($0)".contains("part.rng") }
        }
    }
}
