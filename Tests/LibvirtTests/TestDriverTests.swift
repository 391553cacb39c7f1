import Libvirt
import Testing

/// The sample host, opened in-process through libvirt's test driver.
let sampleHostURI: String = {
    let tests = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    return "test:///" + tests + "/Samples/hosts/sample-host.xml"
}()

@Suite("libvirt test driver")
struct TestDriverTests {
    @Test func opensTheSampleHost() throws {
        let connection = try Connection(uri: sampleHostURI)
        #expect(try connection.uri.hasPrefix("test://"))
    }

    @Test func badURIIsATypedError() {
        #expect {
            try Connection(uri: "test:///nonexistent/host.xml")
        } throws: { error in
            guard let error = error as? LibvirtError else { return false }
            return !error.message.isEmpty && error.operation.hasPrefix("virConnectOpen")
        }
    }

    @Test func listsNodeDevicesByCapability() throws {
        let connection = try Connection(uri: sampleHostURI, readOnly: true)
        let pci = try connection.nodeDevices(capabilities: .pci).map(\.name)
        #expect(pci.contains("pci_0000_01_00_0"))
        #expect(!pci.contains("usb_1_3"))
        let usb = try connection.nodeDevices(capabilities: .usbDevice).map(\.name)
        #expect(usb.contains("usb_1_3"))
        let all = try connection.nodeDevices()
        #expect(all.count > pci.count + usb.count)
    }

    @Test func nodeDeviceHasParentCapabilitiesAndXML() throws {
        let connection = try Connection(uri: sampleHostURI, readOnly: true)
        let gpu = try connection.nodeDevice(named: "pci_0000_01_00_0")
        #expect(gpu.parent == "pci_0000_00_01_0")
        #expect(try gpu.capabilities().contains("pci"))
        #expect(try gpu.xmlDescription().contains("<iommuGroup number='1'>"))
    }

    @Test func unknownNodeDeviceIsNoNodeDevice() throws {
        let connection = try Connection(uri: sampleHostURI, readOnly: true)
        #expect(throws: LibvirtError(code: .noNodeDevice, message: "", operation: "")) {
            try connection.nodeDevice(named: "pci_0000_ff_00_0")
        }
    }

    @Test func detachOnTheTestDriverIsNotSupported() throws {
        let connection = try Connection(uri: sampleHostURI)
        let gpu = try connection.nodeDevice(named: "pci_0000_01_00_0")
        #expect(throws: LibvirtError(code: .noSupport, message: "", operation: "")) { try gpu.detach(driver: "vfio") }
        #expect(throws: LibvirtError(code: .noSupport, message: "", operation: "")) { try gpu.reattach() }
    }

    @Test func listsDomainsWithStateAndXML() throws {
        let connection = try Connection(uri: sampleHostURI, readOnly: true)
        let domains = try connection.domains()
        #expect(domains.map(\.name) == ["build-server", "nfv-router"])
        #expect(try domains[0].state() == .shutoff)
        #expect(try domains[1].state() == .running)
        #expect(try domains[1].isActive())
        #expect(try domains[1].uuid() == "6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b")
        #expect(try domains[1].xmlDescription().contains("<hostdev mode='subsystem' type='pci' managed='no'>"))
    }

    @Test func defineValidatesAgainstTheSchema() throws {
        let connection = try Connection(uri: sampleHostURI)
        let good = """
            <domain type='test'><name>fresh</name><memory>1048576</memory><os><type>hvm</type></os></domain>
            """
        let domain = try connection.defineDomain(xml: good)
        #expect(domain.name == "fresh")
        #expect(try !domain.isActive())
        let bad = """
            <domain type='test'><name>bad</name><memory>lots</memory><os><type>hvm</type></os></domain>
            """
        #expect(throws: LibvirtError(code: .xmlInvalidSchema, message: "", operation: "")) {
            try connection.defineDomain(xml: bad)
        }
    }
}

@Suite("libvirt from concurrent tasks")
struct ConcurrentLibvirtTests {
    @Test func connectionsPerTaskListDevicesAndSurfaceErrorsConcurrently() async {
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<12 {
                group.addTask {
                    do throws(LibvirtError) {
                        let connection = try Connection(uri: sampleHostURI, readOnly: true)
                        let devices = try connection.nodeDevices(capabilities: .pci)
                        if index.isMultiple(of: 3) {
                            // Errors are per thread in libvirt: each task must see its own, and the
                            // connection must still work after it.
                            let name = "pci_0000_ff_00_\(index % 8)"
                            do throws(LibvirtError) {
                                _ = try connection.nodeDevice(named: name)
                                return false
                            } catch {
                                guard error.code == .noNodeDevice, error.message.contains(name) else { return false }
                            }
                            guard try connection.nodeDevices(capabilities: .pci).count == devices.count else {
                                return false
                            }
                        }
                        return devices.count > 10
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.count == 12 && outcomes.allSatisfy { $0 })
    }

    @Test func eachFailureCarriesItsOwnMessage() async {
        let messages = await withTaskGroup(of: String.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do throws(LibvirtError) {
                        let connection = try Connection(uri: sampleHostURI, readOnly: true)
                        _ = try connection.nodeDevice(named: "pci_0000_fe_00_\(index)")
                        return ""
                    } catch {
                        return error.message
                    }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        for index in 0..<8 {
            #expect(messages.contains { $0.contains("pci_0000_fe_00_\(index)") })
        }
    }
}
