package io.github.locker;

/**
 * What kind of hold an acquisition asks for ({@link LockOptions#withMode}, {@link LockOptions#withPermits}).
 *
 * <ul>
 *   <li>{@link #EXCLUSIVE}: one holder of the key. It also excludes every {@link #SHARED} holder:
 *       the plain lock is the write side of a read-write lock.</li>
 *   <li>{@link #SHARED}: any number of shared holders of the key at once, and no exclusive one
 *       (Redisson's {@code RReadWriteLock.readLock()}, Curator's {@code InterProcessReadWriteLock},
 *       etcd's {@code recipes.RWMutex}). An exclusive acquisition that waits stops new shared ones,
 *       so writers do not starve.</li>
 *   <li>{@link #PERMIT}: one of at most {@link LockOptions#permits()} holders of a semaphore named
 *       by the key (Redisson's {@code RPermitExpirableSemaphore}, Curator's
 *       {@code InterProcessSemaphoreV2}). A semaphore is not a lock: the permits of key {@code k}
 *       and the lock {@code k} are independent.</li>
 * </ul>
 *
 * <p>Every hold, whatever its mode, has its own lease, keep-alive and fencing token, and is
 * released by its owner only; a crashed holder's hold ends with its lease.
 */
public enum LockMode {
    /** One holder at a time, excluding shared holders too: the default. */
    EXCLUSIVE,
    /** Any number of holders, while nobody holds or waits for the key exclusively. */
    SHARED,
    /** One of at most N holders of a semaphore; N is {@link LockOptions#permits()}. */
    PERMIT
}
