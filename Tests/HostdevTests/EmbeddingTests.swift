import Foundation
import Testing

@testable import Hostdev
@testable import HostdevC

/// libhostdev.so's calls in process: exit codes, reports as data, strict options, threads.
@Suite struct TheCInterfaceAnswersWithExitCodesAndReports {
    static let gpuRequest = #"{"vmName": "gpu-vm", "devices": [{"type": "hostdev", "device": "pci_0000_01_00_0"}]}"#
    static let host = "snapshot:" + Repository.sampleHost

    static func report(_ outcome: CallOutcome) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(outcome.report.utf8)) as? [String: Any])
    }

    @Test func anIncompleteGroupIsARefusalWithItsFindings() throws {
        let outcome = EmbeddedCalls.transform(
            domainXML: nil, requestJSON: Array(Self.gpuRequest.utf8), host: Self.host,
            optionsJSON: Array(#"{"schema": false}"#.utf8))
        #expect(outcome.code == 1)
        #expect(outcome.output == nil)
        let report = try Self.report(outcome)
        #expect(report["succeeded"] as? Bool == false)
        let findings = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["iommu-group-incomplete"])
    }

    @Test func includeGroupTransformsTheDomainGiven() throws {
        let domain = try #require(readFile(Repository.root + "/Samples/domains/web-server.xml"))
        let outcome = EmbeddedCalls.transform(
            domainXML: Array(domain.utf8), requestJSON: Array(Self.gpuRequest.utf8), host: Self.host,
            optionsJSON: Array(#"{"includeGroup": true}"#.utf8))
        #expect(outcome.code == 0)
        let xml = String(decoding: try #require(outcome.output), as: UTF8.self)
        #expect(xml.contains("function='0x1'"))
        #expect(xml.contains("migratable='no'"))
        #expect(try Self.report(outcome)["added"] as? [String] == ["pci_0000_01_00_0", "pci_0000_01_00_1"])
    }

    @Test(arguments: [
        (#"{"includeGroups": true}"#, "unknown key includeGroups"),
        (#"{"schema": "yes"}"#, "options: not a JSON object"),
        ("[1]", "options: not a JSON object"),
    ])
    func badOptionsAreBadInput(options: String, message: String) throws {
        let outcome = EmbeddedCalls.transform(
            domainXML: nil, requestJSON: nil, host: nil, optionsJSON: Array(options.utf8))
        #expect(outcome.code == 2)
        let error = try #require(Self.report(outcome)["error"] as? String)
        #expect(error.contains(message))
    }

    @Test func devicesWithoutAHostAreBadInputAndAMissingSnapshotIsAHostFailure() throws {
        let withoutHost = EmbeddedCalls.transform(
            domainXML: nil, requestJSON: Array(Self.gpuRequest.utf8), host: nil, optionsJSON: nil)
        if getenv("LIBVIRT_DEFAULT_URI") == nil { #expect(withoutHost.code == 2) }
        let missing = EmbeddedCalls.list(host: "snapshot:/nonexistent/host.xml", optionsJSON: nil)
        #expect(missing.code == 3)
        #expect(try Self.report(missing)["exitCode"] as? Int == 3)
        let badXML = EmbeddedCalls.transform(
            domainXML: Array("<domain".utf8), requestJSON: nil, host: nil, optionsJSON: nil)
        #expect(badXML.code == 2)
    }

    @Test func anUnknownCapabilityIsBadInputNamingTheKnownOnesBeforeTheHostIsRead() throws {
        for host in [Self.host, "snapshot:/nonexistent/host.xml"] {
            let outcome = EmbeddedCalls.list(
                host: host, optionsJSON: Array(#"{"capabilities": ["pci", "bogus", "usb_devices"]}"#.utf8))
            #expect(outcome.code == 2)
            #expect(outcome.output == nil)
            let error = try #require(Self.report(outcome)["error"] as? String)
            #expect(error.contains("unknown capabilities 'bogus', 'usb_devices'"), "\(error)")
            // The library's one list, which the command line checks too.
            #expect(error.hasSuffix("known: " + DeviceListing.knownCapabilities.joined(separator: ", ")), "\(error)")
        }
        let known = EmbeddedCalls.list(host: Self.host, optionsJSON: Array(#"{"capabilities": ["mdev_types"]}"#.utf8))
        #expect(known.code == 0 && known.report.hasPrefix("{"))
    }

    @Test func aHostThatIsNotUTF8IsBadInputAndNoOtherPathIsRead() throws {
        try withScratchDirectory("host-utf8") { directory in
            // The path the bytes would name with U+FFFD in place of the byte that is not UTF-8.
            let sample = try #require(readFile(Repository.sampleHost))
            try sample.write(toFile: directory + "/host\u{FFFD}.xml")
            let host = Array("snapshot:\(directory)/host".utf8) + [0xFF] + Array(".xml".utf8)
            var json: UnsafeMutablePointer<CChar>?
            let code = (host.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer {
                hostdevList($0.baseAddress, nil, &json)
            }
            defer { hostdevFree(json) }
            #expect(code == 2)
            let report = try #require(json.map { String(cString: $0) })
            #expect(report.contains("host is not valid UTF-8"), "\(report)")
        }
    }

    @Test(arguments: [
        ("", "host is empty"), ("snapshot:", "host \"snapshot:\" names no file"),
        ("sysfs:", "host \"sysfs:\" names no root"),
    ])
    func anEmptyHostIsBadInputNotNoHost(host: String, message: String) throws {
        let domain = try #require(readFile(Repository.root + "/Tests/Fixtures/lint/managed-yes.xml"))
        var lintReport: UnsafeMutablePointer<CChar>?
        var listReport: UnsafeMutablePointer<CChar>?
        let lintCode = hostdevLint(domain, host, #"{"schema": false}"#, &lintReport)
        let listCode = hostdevList(host, nil, &listReport)
        defer {
            hostdevFree(lintReport)
            hostdevFree(listReport)
        }
        for (code, report) in [(lintCode, lintReport), (listCode, listReport)] {
            #expect(code == 2)
            let text = try #require(report.map { String(cString: $0) })
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let error = try #require(object?["error"] as? String)
            #expect(error.hasPrefix(message), "\(error)")
        }
    }

    @Test func optionsOverTheRequestsByteLimitAreBadInput() throws {
        let domain = try #require(readFile(Repository.root + "/Tests/Fixtures/lint/managed-yes.xml"))
        let head = #"{"schema": false, "source": ""#
        let tail = #""}"#
        let atLimit =
            head + String(repeating: "a", count: VMCreateRequest.maxBytes - head.utf8.count - tail.utf8.count)
            + tail
        var report: UnsafeMutablePointer<CChar>?
        #expect(hostdevLint(domain, nil, atLimit, &report) == 0)
        hostdevFree(report)
        report = nil
        let overLimit = head + "a" + String(atLimit.dropFirst(head.utf8.count))
        #expect(hostdevLint(domain, nil, overLimit, &report) == 2)
        let error = try #require(report.map { String(cString: $0) })
        hostdevFree(report)
        #expect(error.contains("options: larger than the 8 MiB limit"), "\(error)")
        var list: UnsafeMutablePointer<CChar>?
        #expect(hostdevList(Self.host, overLimit, &list) == 2)
        hostdevFree(list)
    }

    @Test func lintAndListAnswerFromMemory() throws {
        let domain = try #require(readFile(Repository.root + "/Tests/Fixtures/lint/iommu-group-incomplete.xml"))
        let lint = EmbeddedCalls.lint(
            domainXML: Array(domain.utf8), host: Self.host,
            optionsJSON: Array(#"{"select": ["iommu-group-incomplete"], "source": "vm.xml"}"#.utf8))
        #expect(lint.code == 1)
        let findings = try #require(Self.report(lint)["diagnostics"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["iommu-group-incomplete"])
        #expect(findings.first?["file"] as? String == "vm.xml")
        #expect(findings.first?["line"] as? Int != nil)
        let list = EmbeddedCalls.list(host: Self.host, optionsJSON: Array(#"{"domain": "nfv-router"}"#.utf8))
        #expect(list.code == 0)
        let devices = try #require(JSONSerialization.jsonObject(with: Data(list.report.utf8)) as? [String: Any])
        #expect(devices.keys.sorted() == ["pci_0000_03_10_0"])
    }

    @Test func theExportedFunctionsRunOnManyThreadsAtOnceWithTheSameAnswers() throws {
        let expected = try #require(Self.transformThroughTheABI(includeGroup: true))
        let refused = try #require(Self.transformThroughTheABI(includeGroup: false))
        #expect(expected.code == 0 && refused.code == 1)
        let answers = ConcurrentMap.map(count: 16) { index in
            Self.transformThroughTheABI(includeGroup: index % 2 == 0)
        }
        #expect(answers.count == 16)
        for (index, answer) in answers.enumerated() {
            let reference = index % 2 == 0 ? expected : refused
            let answer = try #require(answer)
            #expect(answer.code == reference.code && answer.xml == reference.xml && answer.report == reference.report)
        }
        #expect(String(cString: hostdevVersionString()) == hostdevVersion)
    }

    /// One `hostdev_transform` call through the C signature, its strings freed with `hostdev_free`.
    static func transformThroughTheABI(includeGroup: Bool) -> (code: Int32, xml: String?, report: String)? {
        var xml: UnsafeMutablePointer<CChar>?
        var report: UnsafeMutablePointer<CChar>?
        let code = hostdevTransform(
            nil, gpuRequest, host, includeGroup ? #"{"includeGroup": true}"# : "{}", &xml, &report)
        defer {
            hostdevFree(xml)
            hostdevFree(report)
        }
        guard let report else { return nil }
        return (code, xml.map { String(cString: $0) }, String(cString: report))
    }
}
