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
}
