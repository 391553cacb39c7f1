#if canImport(Glibc)
    import Glibc
#endif

/// A `<rom file=…>` that does not exist.
struct ROMFileRule: PassthroughRule {
    let id = "rom-file-missing"
    let severity = Diagnostic.Severity.warning
    let summary = "`<rom file=...>` of a device does not exist"
    let explanation = """
        A PCI device can load its option ROM from a file (<rom file='/usr/share/.../vbios.rom'/>), often \
        for a GPU whose ROM the host firmware shadowed. If the file is missing on the host that starts \
        the guest, QEMU fails to start it. Checked on this machine, so lint on the hypervisor, or ship \
        the file with the domain.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        guard let devices = domain.root.firstElement(named: "devices") else { return [] }
        return devices.elements.compactMap { device in
            guard let rom = device.firstElement(named: "rom"), let file = rom.attribute("file"), !file.isEmpty
            else { return nil }
            // Existence is asked only where a guest's ROM can live: lint runs as root, and must not
            // tell whether some other file exists.
            guard Self.isCheckable(file) else {
                return finding(
                    "ROM file \(file) not checked: only paths under \(Self.romDirectories.joined(separator: ", ")) are",
                    at: rom, in: domain)
            }
            guard access(file, F_OK) != 0 else { return nil }
            return finding("ROM file \(file) does not exist", at: rom, in: domain)
        }
    }

    /// Where QEMU may read a ROM under libvirt's confinement (AppArmor's and SELinux's policies).
    static let romDirectories = ["/usr/share/", "/usr/lib/", "/usr/local/share/", "/var/lib/libvirt/"]

    /// An absolute path under one of ``romDirectories``, without `..` or `.` components.
    static func isCheckable(_ path: String) -> Bool {
        romDirectories.contains { path.hasPrefix($0) }
            && !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }
}
