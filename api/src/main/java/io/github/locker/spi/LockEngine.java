package io.github.locker.spi;

import io.github.locker.LockOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The part of a locker a driver writes: take one lock on its backend, waiting until a deadline,
 * without parking a thread. Waiting is a timer at the holder's lease end plus the backend's own
 * signal (a release message, a watch event). {@code io.github.locker.core.DriverRuntime#locker}
 * turns an engine into a {@link io.github.locker.Locker}.
 *
 * <p><b>What the core relies on.</b>
 * <ul>
 *   <li>Mutual exclusion across every engine on the same backend and key: while a {@link Lease}
 *       is held, no other acquisition of the key completes with one.</li>
 *   <li>Fencing: each lease's {@link Lease#fencingToken()} is greater than that of every earlier
 *       lease of the key.</li>
 *   <li>The lease ends on the backend by itself at {@link LockOptions#leaseTime()} unless renewed;
 *       with {@link LockOptions#keepAlive()} the engine renews it in the background.</li>
 *   <li>No reentrancy: a second acquisition of a held key waits like any other. The core counts
 *       reentrant acquisitions itself and calls the engine once per holder.</li>
 *   <li>No retry: an attempt that fails completes the future exceptionally; the core retries
 *       what {@link #isTransient} calls transient, with backoff, within the wait time.</li>
 *   <li>Nothing blocks: {@link #acquire} returns at once, and its continuations never park the
 *       thread they run on (it may be the client's event loop).</li>
 * </ul>
 *
 * <p><b>Modes</b> ({@link LockOptions#mode()}), for an engine that {@linkplain #supports supports}
 * them:
 * <ul>
 *   <li>{@link io.github.locker.LockMode#EXCLUSIVE}: the rules above; an exclusive lease also
 *       excludes every shared lease of the key.</li>
 *   <li>{@link io.github.locker.LockMode#SHARED}: any number of shared leases of a key at once,
 *       none while an exclusive lease of it is held; once an exclusive acquisition waits for the
 *       key, new shared acquisitions wait behind it. Each shared lease's token is greater than the
 *       token of every exclusive lease of the key before it (and exclusive tokens, as above,
 *       strictly increase).</li>
 *   <li>{@link io.github.locker.LockMode#PERMIT}: at most {@link LockOptions#permits()} leases of
 *       the semaphore named by the key at once, in a namespace apart from the key's lock. An
 *       acquisition whose count differs from the current holders' fails with
 *       {@link io.github.locker.LockConflictException} and takes nothing. Tokens strictly increase
 *       per semaphore.</li>
 * </ul>
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

    /**
     * Whether this engine can take holds of that mode; the core refuses the others with
     * {@link UnsupportedOperationException} before calling {@link #acquire}.
     *
     * @param mode a mode
     * @return true for {@link io.github.locker.LockMode#EXCLUSIVE}; an engine that implements the
     *     other modes says so
     */
    default boolean supports(io.github.locker.LockMode mode) {
        return mode == io.github.locker.LockMode.EXCLUSIVE;
    }

    /** @return how long one request to the backend may take: a wait without deadline gives up after failing that long */
    Duration timeout();

    /** @return the backend, for messages: its kind and addresses, never credentials */
    String describe();
}
