import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A domain of 150 000 elements (7.7 MB), transformed in a child bounded in memory: the proof that
/// the spliced output changed nothing else holds one tree, not two, so the spliced bytes come out
/// within a bound that used to leave only libxml2's whole serialization (or nothing).
@Suite("An element-dense domain is transformed within a small multiple of its size")
struct ElementDenseDomainTests {
    /// A domain of `count` file disks, each on lines of its own as libvirt writes them.
    static func domain(disks count: Int) -> String {
        var text = "<domain type='kvm'>\n  <name>dense</name>\n  <memory unit='KiB'>1048576</memory>\n"
        text += "  <os>\n    <type arch='x86_64'>hvm</type>\n  </os>\n  <devices>\n"
        text.reserveCapacity(count * 160)
        for index in 0..<count {
            let number = String(index)
            text += "    <disk type='file' device='disk'>\n"
            text += "      <source file='/var/lib/libvirt/images/disk"
            text += String(repeating: "0", count: max(0, 7 - number.count)) + number + ".img'/>\n"
            text += "      <target dev='vd\(number)' bus='virtio'/>\n    </disk>\n"
        }
        return text + "  </devices>\n</domain>\n"
    }

    @Test func aDomainOfFiftyThousandDisksIsSplicedWithinTheBound() throws {
        try withScratchDirectory("dense") { directory in
            let input = Self.domain(disks: 50_000)
            try input.write(toFile: directory + "/dense.xml")
            // The transform needs about 190 MB of address space; two trees needed about 400. The time
            // bound leaves room for sanitizer builds.
            let result = BoundedRun.hostdev(
                [
                    "transform", "dense.xml", "--no-schema", "--vm-create",
                    Repository.root + "/Samples/vmcreate/gpu.json",
                    "--snapshot", Repository.root + "/Samples/hosts/sample-host.xml",
                ], in: directory, seconds: 60, megabytes: 300)
            #expect(result.status == 0, "\(result.stderr)")
            // The input's own bytes, single quotes and all (libxml2 would write double quotes).
            #expect(result.stdout.hasPrefix("<domain type='kvm'>\n  <name>dense</name>\n"))
            #expect(result.stdout.contains("      <target dev='vd49999' bus='virtio'/>\n    </disk>\n    <hostdev "))
            #expect(result.stdout.utf8.count > input.utf8.count)
        }
    }
}
