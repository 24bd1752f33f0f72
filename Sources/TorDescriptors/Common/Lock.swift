#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutual-exclusion lock over a pthread mutex, with `NSLock`'s `lock()`/`unlock()` shape.
///
/// Why not `NSLock`: it lives in Foundation, and linking Foundation (with ICU) into `tordesc`
/// costs about 7.7 M instructions of every start (#15); the library modules import only
/// FoundationEssentials. Why not `Synchronization.Mutex`: it needs macOS 15, and the package
/// supports macOS 13.
package final class Lock: @unchecked Sendable {
    /// The mutex itself, for ``Condition``'s `pthread_cond_wait`.
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    package func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock(); defer { unlock() }
        return try body()
    }
}

/// A condition variable with its own mutex, with `NSCondition`'s shape (`lock`, `wait`,
/// `broadcast`, `unlock`): the producer/consumer hand-off of archive members needs one, and
/// Foundation's is out of reach for the same reason as `NSLock`.
package final class Condition: @unchecked Sendable {
    private let mutex = Lock()
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
    }

    package func lock() { mutex.lock() }
    package func unlock() { mutex.unlock() }
    /// Waits for a broadcast; the caller holds the lock, and holds it again on return.
    package func wait() { pthread_cond_wait(condition, mutex.mutex) }
    package func broadcast() { pthread_cond_broadcast(condition) }
}
