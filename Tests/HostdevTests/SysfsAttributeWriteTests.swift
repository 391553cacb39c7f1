import Foundation
import Hostdev
import Testing

/// The hook, `sriov` and `mdev` change the host only through ``SysfsAttributeFiles``: a tree whose
/// attribute was swapped for a link, a FIFO, a device node or a directory gets an error and nothing
/// written anywhere else.
@Suite("Writing a sysfs attribute never leaves the tree")
struct SysfsAttributeWriteTests {
    static let attribute = "sys/bus/pci/devices/0000:01:00.0/driver_override"

    /// A tree with the device's directory behind the bus link, as the kernel lays it out, and a
    /// file outside it that a planted link could name.
    static func withTree(_ body: (_ root: String, _ outside: String) throws -> Void) throws {
        try withScratchDirectory("attributes") { scratch in
            let root = scratch + "/root"
            let device = root + "/sys/devices/pci0000:00/0000:01:00.0"
            try FileManager.default.createDirectory(atPath: device, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: root + "/sys/bus/pci/devices", withIntermediateDirectories: true)
            #expect(
                symlink("../../../devices/pci0000:00/0000:01:00.0", root + "/sys/bus/pci/devices/0000:01:00.0") == 0)
            try "\n".write(toFile: device + "/driver_override", atomically: false, encoding: .utf8)
            let outside = scratch + "/outside"
            try "precious\n".write(toFile: outside, atomically: false, encoding: .utf8)
            try body(root, outside)
        }
    }

    static func replaceAttribute(in root: String, _ make: (String) -> Int32) {
        let path = root + "/" + attribute
        #expect(unlink(path) == 0)
        #expect(make(path) == 0)
    }

    @Test func anAttributeIsWrittenThroughTheBusLink() throws {
        try Self.withTree { root, _ in
            try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
            #expect(try String(contentsOfFile: root + "/" + Self.attribute, encoding: .utf8) == "vfio-pci\n")
        }
    }

    @Test(arguments: ["absolute", "climbing"])
    func anAttributeSwappedForALinkOutOfTheTreeWritesNothingThere(kind: String) throws {
        try Self.withTree { root, outside in
            // An absolute target is taken inside the root; one that climbs above it is an error.
            let target = kind == "absolute" ? outside : String(repeating: "../", count: 12) + outside.dropFirst()
            Self.replaceAttribute(in: root) { symlink(target, $0) }
            #expect(throws: HookFailure.self) {
                try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
            }
            let left = try String(contentsOfFile: outside, encoding: .utf8)
            #expect(left == "precious\n")
        }
    }

    @Test func anAttributeSwappedForALinkWhileItIsWrittenNeverWritesOutside() throws {
        try Self.withTree { root, outside in
            let swapper = Swapper(path: root + "/" + Self.attribute, link: outside)
            swapper.start()
            defer { swapper.stop() }
            var written = 0
            for _ in 0..<300 {
                do throws(HookFailure) {
                    try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
                    written += 1
                } catch {}
            }
            #expect(written > 0)
            let left = try String(contentsOfFile: outside, encoding: .utf8)
            #expect(left == "precious\n")
        }
    }

    @Test func aFIFOInAnAttributesPlaceIsRefusedWithoutWaiting() throws {
        try Self.withTree { root, _ in
            Self.replaceAttribute(in: root) { mkfifo($0, 0o600) }
            #expect(throws: HookFailure.self) {
                try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
            }
        }
    }

    @Test func aDeviceNodeInAnAttributesPlaceIsNotWritten() throws {
        try Self.withTree { root, _ in
            // /dev/null's numbers (1, 3): a write would vanish, but opening another node could act.
            Self.replaceAttribute(in: root) { mknod($0, S_IFCHR | 0o600, 0x103) }
            #expect {
                try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
            } throws: { error in
                "\(error)".contains("not a regular file")
            }
        }
    }

    @Test func aDirectoryInAnAttributesPlaceIsAnError() throws {
        try Self.withTree { root, _ in
            Self.replaceAttribute(in: root) { mkdir($0, 0o700) }
            #expect(throws: HookFailure.self) {
                try SysfsAttributeFiles(root: root).write("vfio-pci\n", to: Self.attribute)
            }
        }
    }
}
