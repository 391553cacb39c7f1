import ArgumentParser
import Hostdev

/// `hostdev hook`: libvirt's QEMU hook (installed as /etc/libvirt/hooks/qemu.d/hostdev).
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "libvirt's QEMU hook: detach a marked domain's managed='no' devices before it starts.",
        discussion: """
            libvirt runs /etc/libvirt/hooks/qemu.d/hostdev (installed by make install) as \
            'hostdev hook -- NAME OPERATION SUB-OPERATION EXTRA' with the domain XML on standard input \
            ('--': a name that starts with '-' is still a name). For a \
            domain bearing hostdev's non-migratable marker, 'prepare begin' checks the passthrough rules \
            against this host and binds each managed='no' PCI device (and group placeholder) to vfio-pci; \
            a refusal exits 1 with the reason on stderr, which stops the start. 'release end' gives the \
            devices the hook bound back to the host; 'migrate begin' is refused. Other domains and \
            operations are left alone (exit 0).
            """)

    @Argument(help: "The domain's name.")
    var name: String

    @Argument(help: "prepare, start, started, stopped, release, migrate, …")
    var operation: String

    @Argument(help: "begin or end.")
    var subOperation: String

    @Argument(help: "libvirt's extra argument ('-').")
    var extra: [String] = []

    @Option(help: ArgumentHelp("The root of the host's files (sys/, proc/, run/).", valueName: "root"))
    var sysfs: String = "/"

    func run() throws {
        guard QEMUHook.handles(operation: operation, subOperation: subOperation) else {
            // Left alone, whatever the domain: its XML is read to the end (libvirt writes it all)
            // and not kept, so that no domain, however large, fails an operation the hook ignores.
            // Nothing is decided from it, so a read that fails is not this operation's failure
            // either: the hook acts on none of these (a start it refused would stop the domain).
            do {
                try CommandInput.discard("-")
            } catch {
                return
            }
            return
        }
        let xml: [UInt8]
        do {
            xml = try CommandInput.read("-")
        } catch {
            printError("hostdev: \(error)")
            throw ExitCode(2)
        }
        let outcome = QEMUHook(root: sysfs).run(
            domain: name, operation: operation, subOperation: subOperation, domainXML: xml)
        for message in outcome.messages { printError("hostdev: " + message) }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
