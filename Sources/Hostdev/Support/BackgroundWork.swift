import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Work started on a thread of its own, whose value is taken with ``value()`` (waiting for it when
/// it is not done yet). When no thread can be started, the work runs in ``value()`` instead, on the
/// thread that asks: it is never lost.
final class BackgroundWork<Value: Sendable>: Sendable {
    private let work: @Sendable () -> Value
    private let thread: Mutex<pthread_t?>
    private let result = ResultSlot<Value>()

    /// Starts `work` on a new thread.
    init(_ work: @escaping @Sendable () -> Value) {
        self.work = work
        thread = Mutex(nil)
        let run = ThreadBody { [result] in
            let value = work()
            result.value.withLock { $0 = value }
        }
        let context = Unmanaged.passRetained(run).toOpaque()
        var handle = pthread_t()
        if pthread_create(&handle, nil, runThreadBody, context) == 0 {
            thread.withLock { $0 = handle }
        } else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
        }
    }

    /// The work's value: waits for its thread, or does the work now when it had none.
    func value() -> Value {
        wait()
        if let value = result.value.withLock({ $0 }) { return value }
        let value = work()
        result.value.withLock { $0 = value }
        return value
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

/// Where a thread leaves its value.
private final class ResultSlot<Value: Sendable>: Sendable {
    let value = Mutex<Value?>(nil)
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
