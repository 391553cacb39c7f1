#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` waited for at most a while: a lock another program may hold forever (any
/// reader of a file may take a shared one) must not hold a root tool forever.
enum TimedLock {
    /// How a wait ended.
    enum Outcome: Equatable {
        case taken
        /// Still held by another after the time given.
        case timedOut
        /// `flock` failed otherwise (its `errno`).
        case failed(Int32)
    }

    /// Takes an exclusive lock on `descriptor`, trying every 10 ms for at most `seconds`.
    static func take(_ descriptor: Int32, waitingAtMost seconds: Int) -> Outcome {
        let attempts = seconds * 100
        for attempt in 0...attempts {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return .taken }
            guard errno == EWOULDBLOCK || errno == EINTR else { return .failed(errno) }
            if attempt < attempts { usleep(10_000) }
        }
        return .timedOut
    }
}
