#if canImport(Glibc)
    import Glibc
#endif

/// What the hook detached for a domain, so that it gives back exactly those devices when the
/// domain stops (and not a device an administrator bound to vfio-pci for good):
/// `/run/hostdev/qemu/NAME.devices`, one `ADDRESS DRIVER` line per device (`-` for none).
struct HookRecord: Equatable {
    /// The directory, relative to the root (a tmpfs: the records go with a reboot, as do the bindings).
    static let directory = "run/hostdev/qemu"

    /// Each detached device and the driver it had.
    var devices: [(address: PCIAddress, driver: String?)]

    static func == (lhs: HookRecord, rhs: HookRecord) -> Bool {
        lhs.devices.map(\.address) == rhs.devices.map(\.address)
            && lhs.devices.map(\.driver) == rhs.devices.map(\.driver)
    }

    static func path(root: String, domain: String) -> String {
        SysfsTree(root: root).absolute(directory + "/" + domain + ".devices")
    }

    /// Whether a domain name can name a record file: not empty, not `.` or `..`, no `/` (libvirt
    /// refuses `/` in names itself), no newline, and short enough for `NAME.devices` to be a file
    /// name (255 bytes).
    static func isUsable(_ domain: String) -> Bool {
        !domain.isEmpty && domain != "." && domain != ".." && !domain.contains("/") && !domain.contains("\n")
            && domain.utf8.count + ".devices".utf8.count <= 255
    }

    /// Opens `relative` (a directory under the root, `run/hostdev/qemu`), creating what is missing
    /// with mode 0755, each component opened from its parent without following a link: the hook's
    /// records and lock never land outside the root, whatever links are planted there.
    static func openDirectory(root: String, _ relative: String) throws(HookFailure) -> Int32 {
        var current = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard current >= 0 else {
            throw HookFailure("cannot open \(root): \(String(cString: strerror(errno)))")
        }
        var walked = ""
        for part in relative.split(separator: "/").map(String.init) {
            walked += (walked.isEmpty ? "" : "/") + part
            if mkdirat(current, part, 0o755) != 0 && errno != EEXIST {
                let reason = String(cString: strerror(errno))
                close(current)
                throw HookFailure("cannot create \(SysfsTree(root: root).absolute(walked)): \(reason)")
            }
            let next = openat(current, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            var info = stat()
            let isLink =
                next < 0 && fstatat(current, part, &info, AT_SYMLINK_NOFOLLOW) == 0 && info.st_mode & S_IFMT == S_IFLNK
            close(current)
            guard next >= 0 else {
                let reason = isLink ? "a symbolic link; not followed" : String(cString: strerror(code))
                throw HookFailure("cannot open \(SysfsTree(root: root).absolute(walked)): \(reason)")
            }
            current = next
        }
        return current
    }

    /// The record of a domain; `nil` when the hook detached nothing for it.
    static func read(root: String, domain: String) throws(HookFailure) -> HookRecord? {
        let tree = SysfsTree(root: root)
        let relative = directory + "/" + domain + ".devices"
        let opened: Int32?
        do throws(InventoryError) {
            opened = try tree.openFile(relative)
        } catch {
            throw HookFailure(error.description)
        }
        guard let descriptor = opened else { return nil }
        defer { close(descriptor) }
        // A FIFO or a device in a record's place is not an empty record: the devices it should name
        // would never be given back.
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw HookFailure("\(path(root: root, domain: domain)) is not a regular file")
        }
        let text: String
        do throws(InventoryError) {
            text = try tree.text(of: descriptor, relative)
        } catch {
            throw HookFailure(error.description)
        }
        var devices: [(PCIAddress, String?)] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            let unreadable = HookFailure("\(path(root: root, domain: domain)): unreadable line '\(line)'")
            guard fields.count == 2 else { throw unreadable }
            do throws(AddressError) {
                let address = try PCIAddress(sysfsName: String(fields[0]))
                devices.append((address, fields[1] == "-" ? nil : String(fields[1])))
            } catch {
                throw unreadable
            }
        }
        return HookRecord(devices: devices)
    }

    /// Writes the record atomically, creating its directory.
    func write(root: String, domain: String) throws(HookFailure) {
        let directory = try Self.openDirectory(root: root, Self.directory)
        let path = Self.path(root: root, domain: domain)
        let location = WriteLocation(directory: directory, name: domain + ".devices", path: path)
        let text = devices.map { "\($0.address) \($0.driver ?? "-")\n" }.joined()
        do throws(AtomicFile.WriteError) {
            try TemporaryFile.replace(location, with: Array(text.utf8), mode: 0o644, for: path)
        } catch {
            throw HookFailure(error.description)
        }
    }

    /// Removes the record; one that is not there is not an error.
    static func remove(root: String, domain: String) throws(HookFailure) {
        let directory = try openDirectory(root: root, Self.directory)
        defer { close(directory) }
        guard unlinkat(directory, domain + ".devices", 0) == 0 || errno == ENOENT else {
            throw HookFailure("cannot remove \(path(root: root, domain: domain)): \(String(cString: strerror(errno)))")
        }
    }
}
