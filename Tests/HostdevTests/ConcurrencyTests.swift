import Hostdev
import Testing

/// The library called from concurrent tasks, as VM creation code does: one inventory, one schema
/// and the compiled log patterns shared by every task. `make test-tsan` runs these under
/// ThreadSanitizer.
@Suite("The library from concurrent tasks")
struct ConcurrencyTests {
    static let tasks = 16

    static func concurrently<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for _ in 0..<tasks { group.addTask { try body() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func transformsAgreeWithTheSerialResult() async throws {
        let domain = try String(contentsOfFile: Repository.root + "/Samples/domains/web-server.xml", encoding: .utf8)
        let serial = try #require(try TransformTests.transform(domain, TransformTests.gpu).xmlString)
        let results = try await Self.concurrently { try TransformTests.transform(domain, TransformTests.gpu).xmlString }
        #expect(results.count == Self.tasks)
        #expect(results.allSatisfy { $0 == serial })
    }

    @Test func explanationsAgreeWithTheSerialResult() async throws {
        let log = Array(
            String(
                repeating: "noise\nvfio: error opening /dev/vfio/1: Permission denied\ngroup 1 is not viable\n",
                count: 200
            ).utf8)
        let inventory = try TransformTests.inventory.get()
        let serial = LogExplainer(inventory: inventory).explain(log).explanations
        #expect(serial.count == 400)
        let results = try await Self.concurrently { LogExplainer(inventory: inventory).explain(log).explanations }
        #expect(results.count == Self.tasks)
        #expect(results.allSatisfy { $0 == serial })
    }
}
