import Hostdev
import Testing

@Suite("hostdev list, end to end")
struct ListCommandTests {
    @Test func listsTheSampleHostThroughTheTestDriver() {
        let result = HostdevBinary.run(["list", "--connect", Repository.sampleHostURI, "--capability", "pci"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("pci_0000_01_00_0"))
        #expect(!result.stdout.contains("usb_1_3"))
    }

    @Test func unknownDomainIsBadInput() {
        let result = HostdevBinary.run(["list", "--snapshot", Repository.sampleHost, "--domain", "nope"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no domain named 'nope'"))
    }

    @Test func missingSnapshotIsBadInput() {
        let result = HostdevBinary.run(["list", "--snapshot", "/nonexistent/host.xml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/nonexistent/host.xml"))
    }

    @Test func versionIsPrinted() {
        let result = HostdevBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "\(hostdevVersion)\n")
    }

    @Test func twoSourcesAreAUsageError() {
        let result = HostdevBinary.run(["list", "--snapshot", "a.xml", "--sysfs", "/"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("one of --connect, --sysfs, --snapshot"))
    }
}

@Suite("libvirt is loaded only when a connection is opened")
struct LazyLibvirtTests {
    @Test func theBinaryDoesNotLinkLibvirt() {
        let output = HostdevBinary.shell("ldd '\(HostdevBinary.path)'")
        #expect(output.contains("libxml2"))
        #expect(!output.contains("libvirt"))
    }

    @Test func offlineWorkNeverLoadsLibvirt() {
        let output = HostdevBinary.shell(
            "LD_DEBUG=files '\(HostdevBinary.path)' list --snapshot '\(Repository.sampleHost)' 2>&1 >/dev/null")
        #expect(!output.contains("libvirt.so"))
        let connected = HostdevBinary.shell(
            "LD_DEBUG=files '\(HostdevBinary.path)' list --connect '\(Repository.sampleHostURI)' 2>&1 >/dev/null")
        #expect(connected.contains("libvirt.so.0"))
    }
}
