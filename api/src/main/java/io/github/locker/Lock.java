package io.github.locker;

import java.util.concurrent.CompletionStage;

/**
 * One acquisition of a distributed lock: a handle, not a thread's property. Any thread may read
 * or release it; ownership is an owner token held by this handle and checked by the backend.
 *
 * <p><b>Lease.</b> The backend keeps the lock for the lease time of the {@link LockOptions} it was
 * taken with, renewed by a keep-alive unless that was turned off. When renewals fail until the
 * lease is gone, the lock is <em>lost</em>: {@link #isHeld()} turns false and stays false.
 *
 * <p><b>Fencing.</b> {@link #fencingToken()} strictly increases with every acquisition of the same
 * key on the same backend. A lease-based lock cannot by itself guarantee exclusion against a
 * holder that paused past its lease; a resource that rejects writes carrying a token lower than
 * the highest it has seen can.
 *
 * <p><b>Release.</b> {@link #unlock()} deletes the lock only if this handle still owns it
 * (compare-and-delete), so a holder whose lease expired can never release another owner's lock.
 * {@link #close()} unlocks, so try-with-resources always releases.
 */
public interface Lock extends AutoCloseable {

    /** @return the key this lock was acquired for, as the caller gave it */
    String key();

    /** @return a number that strictly increases with every acquisition of this key on its backend */
    long fencingToken();

    /**
     * @return true while this handle has not been unlocked and its lease is known, on the local
     *     monotonic clock, not to have ended; false once unlocked, expired or lost
     */
    boolean isHeld();

    /**
     * Releases the lock if this handle still owns it. A reentrant acquisition (the same key taken
     * again by the same thread on the same {@link Locker}) only releases the lock when its outermost
     * handle is unlocked. Unlocking twice is harmless.
     *
     * @return true when the lock was still ours up to this call; false when its lease had ended (it
     *     may belong to another owner now, and nothing of theirs was deleted) or it was already unlocked
     * @throws LockBackendException when the backend cannot be reached; the lock then ends with its lease
     */
    boolean unlock();

    /**
     * Moves the end of a lock held with keep-alive off to {@code leaseTime} from now (ShedLock's
     * {@code LockExtender}), for work that turns out to take longer than its lease. The fencing
     * token does not change. A lock that is no longer ours stays lost.
     *
     * @param leaseTime the new remaining lease, at least 1 ms; it may be shorter than what is left
     * @return true when the lock was still ours and now ends {@code leaseTime} from now; false when
     *     its lease had ended (nothing was changed on the backend)
     * @throws IllegalArgumentException when {@code leaseTime} is null or shorter than 1 ms
     * @throws IllegalStateException when the lock is kept alive (the keep-alive already renews it)
     * @throws LockBackendException when the backend cannot be reached; the lease is then unchanged
     */
    default boolean extend(java.time.Duration leaseTime) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot extend a lock");
    }

    /**
     * {@link #unlock()} without blocking: the release is sent at once and the stage completes with
     * its answer, on one of the locker's own threads (never a client's event loop). Unlocking a
     * handle twice, or after {@link #unlock()}, completes with false.
     *
     * @return completes with what {@link #unlock()} returns, or fails with {@link LockBackendException}
     *     when the backend cannot be reached (the lock then ends with its lease)
     */
    CompletionStage<Boolean> unlockAsync();

    /** Same as {@link #unlock()}, ignoring whether the lock was still ours. */
    @Override
    default void close() {
        unlock();
    }
}
