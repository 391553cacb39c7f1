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
            guard let rom = device.firstElement(named: "rom"), let file = rom.attribute("file"), !file.isEmpty,
                access(file, F_OK) != 0
            else { return nil }
            return finding("ROM file \(file) does not exist", at: rom, in: domain)
        }
    }
}
