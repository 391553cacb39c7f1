// The library transform's throughput per core: the same domain, request and host transformed again
// and again in one process, on one thread, then on every core.
//
//   hostdev-throughput DOMAIN.xml PARAMS.json HOST.xml [SECONDS]
import Dispatch
import Hostdev
import LibXML
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    print("usage: hostdev-throughput DOMAIN.xml PARAMS.json HOST.xml [SECONDS]")
    exit(2)
}
let seconds = arguments.count > 4 ? Double(arguments[4]) ?? 2 : 2
let domain = try XMLInput.readBytes(path: arguments[1])
let request = try VMCreateRequest.decode(try XMLInput.readBytes(path: arguments[2]), source: arguments[2])
let inventory = try InventorySource.snapshot(path: arguments[3]).load()
let whole = DomainSchemaCheck(schema: try RelaxNGSchema.libvirtDomain())
let written = try DomainSchemaCheck(scope: .edits)

/// One transform's inputs, shared read-only by every thread.
struct Workload: Sendable {
    let domain: [UInt8]
    let request: VMCreateRequest
    let inventory: HostInventory

    /// How many transforms fit in `duration` seconds on this thread.
    func transforms(for duration: Double, schema: DomainSchemaCheck?) -> Int {
        let end = now() + duration
        var count = 0
        while now() < end {
            let result = try! PassthroughTransform.run(
                domainXML: domain, request: request, inventory: inventory,
                options: TransformOptions(schemaCheck: schema))
            precondition(result.succeeded)
            count += 1
        }
        return count
    }
}
let workload = Workload(domain: domain, request: request, inventory: inventory)

let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))
let checks: [(String, DomainSchemaCheck?)] = [
    ("without schema check", nil), ("checking the elements written", written), ("checking the whole domain", whole),
]
for (label, checked) in checks {
    let single = Double(workload.transforms(for: seconds, schema: checked)) / seconds
    let total = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: cores) { _ in
        total.add(workload.transforms(for: seconds, schema: checked), ordering: .relaxed)
    }
    let all = Double(total.load(ordering: .relaxed)) / seconds
    print(
        "library transform \(label): \(Int(single)) /s on one core (\(Int(1e6 / single)) µs each), "
            + "\(Int(all)) /s on \(cores) cores")
}
