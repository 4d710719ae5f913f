package io.github.locker.spi;

import java.util.concurrent.CompletableFuture;

/**
 * One acquisition as a driver holds it: an owner token on the backend, a lease counted on the
 * monotonic clock, and its keep-alive. Thread-safe.
 *
 * <p>The core watches {@link #expiresAtNanos()}: when that moment passes without a renewal, the
 * lock is lost for the application, whatever the backend says later. So a driver moves it forward
 * only once a renewal succeeded, and counts it from when the request was sent, not answered.
 */
public interface Lease {

    /** @return the fencing token the backend issued for this acquisition */
    long fencingToken();

    /** @return false once released, expired or lost */
    boolean isHeld();

    /**
     * @return the point on the monotonic clock ({@link System#nanoTime()}) at which the lease ends
     *     unless a renewal succeeds before; it moves forward with each successful renewal
     */
    long expiresAtNanos();

    /**
     * Stops the keep-alive and deletes the lock on the backend if this owner still holds it,
     * without blocking. Releasing again answers false at once.
     *
     * @return completes with whether this owner still held it up to the release; fails with
     *     {@link io.github.locker.LockBackendException} when the backend cannot be reached (the
     *     driver then keeps trying in the background until the lease would have ended)
     */
    CompletableFuture<Boolean> release();

    /**
     * Sets this owner's lease to end {@code leaseTime} from now on the backend, if it still holds
     * the lock: what {@link io.github.locker.Lock#extend} does with a lease that has no keep-alive.
     * On success {@link #expiresAtNanos()} moves to the new end, counted from before the request
     * was sent. The fencing token does not change.
     *
     * @param leaseTime the new remaining lease, at least 1 ms
     * @return completes with whether this owner still held the lock (false changes nothing on the
     *     backend); fails with {@link io.github.locker.LockBackendException} when the backend cannot
     *     be reached, or {@link UnsupportedOperationException} for a driver that cannot do it
     */
    default CompletableFuture<Boolean> extend(java.time.Duration leaseTime) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                getClass().getName() + " cannot extend a held lease"));
    }

    /**
     * Releases with a delay, for a lock held at least for some time
     * ({@link io.github.locker.LockOptions#withHoldAtLeast}): stops the keep-alive and leaves the
     * lock with this owner on the backend until {@code remaining} from now, when it ends by itself
     * (rounded up to what the backend can keep). Waiters wake at that end, not before. Like
     * {@link #release()}, it ends this lease for the application; owner-only.
     *
     * @param remaining how long the lock stays on the backend, at least 1 ms
     * @return completes with whether this owner still held the lock up to now; fails as
     *     {@link #release()} does, or with {@link UnsupportedOperationException} for a driver that
     *     cannot do it
     */
    default CompletableFuture<Boolean> releaseAfter(java.time.Duration remaining) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                getClass().getName() + " cannot release after a delay (holdAtLeast)"));
    }
}
