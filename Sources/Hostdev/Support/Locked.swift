#if canImport(Glibc)
    import Glibc
#endif

/// A lock on a `pthread_mutex_t`, held around a closure.
///
/// The library locks with this rather than `Synchronization.Mutex`: on Linux a contended `Mutex`
/// is handed from thread to thread by the kernel (a priority-inheritance futex), which
/// ThreadSanitizer cannot see, so it reports what the lock guards as raced (`make test-tsan`, as
/// soon as two threads want the lock at once). `pthread_mutex_lock` is a lock it knows.
final class Lock: @unchecked Sendable {
    // Unchecked: the mutex is only reached through the pthread calls, which synchronize.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// A lock; `recursive`: the thread holding it takes it again without waiting.
    init(recursive: Bool = false) {
        mutex = .allocate(capacity: 1)
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        if recursive { pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_RECURSIVE)) }
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    func withLock<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

/// A value reached only with its ``Lock`` held.
final class Locked<Value: Sendable>: @unchecked Sendable {
    // Unchecked: `value` is only reached in `withLock`, holding `lock`.
    private let lock = Lock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// Runs `body` on the value, holding the lock.
    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try lock.withLock { () throws(Failure) in try body(&value) }
    }
}
