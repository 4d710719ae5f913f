package io.github.locker;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Several keys held together, as {@link Locker#lockAll} took them: all of them or none. Each key
 * keeps its own lock, lease and fencing token. Thread-safe.
 */
public interface MultiLock extends AutoCloseable {

    /** @return one lock per key, in the order they were taken: the keys' natural order */
    List<Lock> locks();

    /**
     * @param key one of this hold's keys
     * @return that key's fencing token
     * @throws IllegalArgumentException when {@code key} is not one of them
     */
    long fencingToken(String key);

    /** @return whether every key is still held (false as soon as one lease is lost or released) */
    boolean isHeld();

    /**
     * Releases every key, the last taken first. Releasing again is harmless.
     *
     * @return true when every key was still ours up to this call
     * @throws LockBackendException when a backend cannot be reached; the others are released all the
     *     same, and that key ends with its lease
     */
    boolean unlock();

    /**
     * {@link #unlock()} without blocking.
     *
     * @return completes with whether every key was still ours
     */
    CompletionStage<Boolean> unlockAsync();

    /** Same as {@link #unlock()}, for try-with-resources. */
    @Override
    default void close() {
        unlock();
    }
}
