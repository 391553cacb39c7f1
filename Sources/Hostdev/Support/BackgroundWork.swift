internal import CXattr

#if canImport(Glibc)
    import Glibc
#endif

/// Work started on a thread of its own, whose value is taken with ``value()`` (waiting for it when
/// it is not done yet). When no thread can be started, the work runs in ``value()`` instead, on the
/// thread that asks: it is never lost.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let work: @Sendable () -> Value
    private let thread = Locked<pthread_t?>(nil)
    private let result = Locked<Value?>(nil)

    /// Starts `work` on a new thread.
    init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        let run = ThreadBody { [result] in
            let value = work()
            result.withLock { $0 = value }
        }
        let context = Unmanaged.passRetained(run).toOpaque()
        var handle = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if var others = Self.otherProcessors() {
            pthread_attr_setaffinity_np(&attributes, others.count * MemoryLayout<UInt64>.size, &others)
        }
        if pthread_create(&handle, &attributes, runThreadBody, context) == 0 {
            thread.withLock { $0 = handle }
        } else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
        }
    }

    /// The work's value: waits for its thread, or does the work now when it had none.
    func value() -> Value {
        wait()
        if let value = result.withLock({ $0 }) { return value }
        let value = work()
        result.withLock { $0 = value }
        return value
    }

    /// The processors this process may run on but the one running the caller; `nil` when there is
    /// no other. A new thread otherwise starts on its parent's processor and, for the few
    /// milliseconds it lives, often stays there taking turns with its parent while another
    /// processor idles (measured with `perf sched` on a 2-processor machine): run elsewhere, the
    /// two run at once.
    private static func otherProcessors() -> [UInt64]? {
        // A cpu_set_t: 1024 bits.
        var allowed = [UInt64](repeating: 0, count: 16)
        let current = Int(sched_getcpu())
        guard current >= 0, current < 1024,
            sched_getaffinity(0, allowed.count * MemoryLayout<UInt64>.size, &allowed) == 0
        else { return nil }
        allowed[current / 64] &= ~(1 << UInt64(current % 64))
        return allowed.contains { $0 != 0 } ? allowed : nil
    }

    /// Waits for the thread, when there is one (without doing the work when there is none).
    func wait() {
        thread.withLock { handle in
            if let running = handle {
                pthread_join(running, nil)
                handle = nil
            }
        }
    }

    deinit { wait() }
}

/// The closure a started thread runs (a C thread entry cannot capture it).
private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

private func runThreadBody(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().body()
    return nil
}
