import Hostdev
import Testing

@Suite("hostdev explain: VDSM's vGPU, SR-IOV and domain-definition errors")
struct VDSMExplainTests {
    static let log = Repository.root + "/Tests/Fixtures/explain/vdsm-errors.log"

    @Test func everyLineIsExplainedWithItsCauseAndFix() {
        let result = HostdevBinary.run(["explain", Self.log])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("11 lines explained, 0 not recognised"))
        Golden.check(result.stdout, named: "explain/vdsm-errors.text")
    }

    @Test(arguments: [
        ("vfio 0000:81:00.0: no iommu_group found: No such file or directory", "no-iommu-group"),
        ("host doesn't support legacy PCI passthrough", "legacy-passthrough"),
        ("XML error: Attempted double use of PCI Address 0000:00:05.0", "guest-address-in-use"),
        ("XML error: non unique alias detected: ua-vf0", "alias-not-unique"),
        ("boot order '2' used for more than one device", "boot-order-repeated"),
        ("Hostdev already exists in the domain configuration", "hostdev-already-present"),
        ("mediated device '4b20d080-1b54-4048-85b3-a6a62d165c01' not found", "mdev-missing"),
        ("mdev 4b20d080-1b54-4048-85b3-a6a62d165c01 not found", "mdev-missing"),
        ("vgpu: Failed to create mdev type nvidia-11", "mdev-create-failed"),
        ("mdev_create: Failed to create mdev device", "mdev-create-failed"),
        ("Cannot set interface MAC/vlanid to 52:54:00:12:34:56/3 for ifname enp3s0f0 vf 2: Busy", "vf-mac-vlan"),
        ("Cannot set interface MAC to 52:54:00:12:34:56 for ifname enp3s0f0 vf 2: Busy", "vf-mac-vlan"),
    ])
    func recognises(line: String, failure: String) {
        let report = LogExplainer().explain(Array((line + "\n").utf8))
        #expect(report.explanations.map(\.failure) == [failure])
    }

    @Test func theRepeatedBootOrderIsNamed() {
        let report = LogExplainer().explain(Array("boot order '7' used for more than one device\n".utf8))
        #expect(report.explanations.first?.cause.contains("boot order 7") == true)
    }
}
