/// `managed='yes'` where the policy is unmanaged.
struct ManagedRule: PassthroughRule {
    let id = "managed-yes"
    let severity = Diagnostic.Severity.warning
    let summary = "managed='yes' on a hostdev where the policy is unmanaged"
    let explanation = """
        With managed='yes' libvirt detaches the device from its host driver at every start and gives it \
        back at every stop. Here the management layer detaches devices itself (hostdev's detach, VDSM's \
        hostdev verbs) and writes managed='no', so that a device is never yanked from the host behind \
        its back and a failed start does not leave it half bound. Write managed='no'.
        """

    func check(_ domain: CheckedDomain) -> [Diagnostic] {
        domain.hostdevs.compactMap { element in
            guard element.managed == "yes", !element.isNetworkLUN else { return nil }
            return finding(
                "\(element.source?.description ?? "hostdev") has managed='yes'; the policy is unmanaged",
                at: element.node,
                in: domain,
                fixIt: FixIt(
                    "write managed='no' and detach the device before the guest starts",
                    action: element.source.map { .detach(devices: [$0.description]) }))
        }
    }
}
