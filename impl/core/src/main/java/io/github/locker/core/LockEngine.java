package io.github.locker.core;

import io.github.locker.LockOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The part of a locker a driver writes: take one lock on its backend, waiting until a deadline,
 * without parking a thread. Waiting is a timer at the holder's lease end plus the backend's own
 * signal (a release message, a watch event).
 */
public interface LockEngine {

    /**
     * Acquires {@code key}, waking when it is released or its holder's lease ends, until the
     * deadline. A deadline that has passed means exactly one attempt. Continuations may run on the
     * backend client's threads; nothing on them blocks.
     *
     * <p><b>Cancellation.</b> Cancelling (or otherwise completing) the returned future aborts the
     * acquisition: it stops waiting, leaves whatever queue it joined on the backend (a waiters set,
     * an etcd key), and a lease that an attempt still in flight takes afterwards is released at
     * once.
     *
     * @param key a valid key, without the locker's prefix
     * @param options the acquisition's lease and keep-alive
     * @param deadline when to give up waiting
     * @param listener told when the acquisition starts to wait, and when the lease, once held, is lost
     * @return completes with the held lease, or with null when another owner still held the lock at
     *     the deadline; fails with {@link io.github.locker.LockBackendException} when the backend failed
     */
    CompletableFuture<Lease> acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener);

    /**
     * Whether a failure of {@link #acquire} may pass, so a wait should retry it: an outage, a
     * restart, an election. A refusal (credentials, permission, a certificate) ends the call at once.
     *
     * @param failure what the acquisition failed with, a {@link io.github.locker.LockBackendException}
     * @return true unless the backend refused the request for good
     */
    default boolean isTransient(Throwable failure) {
        return true;
    }

    /** @return how long one request to the backend may take: a wait without deadline gives up after failing that long */
    Duration timeout();

    /** @return the backend, for messages: its kind and addresses, never credentials */
    String describe();
}
