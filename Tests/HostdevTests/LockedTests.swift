import Dispatch
import Testing

@testable import Hostdev

/// The library's locks, contended: under ThreadSanitizer (`make test-tsan`) any report fails the
/// run, which is what a `Synchronization.Mutex` here gave (its contended hand-over is invisible to it).
@Suite("Locks held by many threads at once")
struct LockedTests {
    @Test func aContendedValueCountsEveryChange() {
        let counts = Locked((total: 0, recent: [Int]()))
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for step in 0..<5_000 {
                counts.withLock { counts in
                    counts.total += 1
                    counts.recent.append(worker * 5_000 + step)
                    if counts.recent.count > 64 { counts.recent.removeAll(keepingCapacity: true) }
                }
            }
        }
        #expect(counts.withLock { $0.total } == 20_000)
    }

    @Test func aRecursiveLockIsTakenAgainByItsHolder() {
        let lock = Lock(recursive: true)
        let inner = lock.withLock { lock.withLock { 42 } }
        #expect(inner == 42)
    }
}
