package io.github.locker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One lock backend under one name, as configured ({@code locker.<name>.*}) or made from a driver.
 * Thread-safe; one instance serves the whole application.
 *
 * <p><b>Keys.</b> A key is any non-blank, well-formed string (no unpaired surrogate, which has no
 * UTF-8 form) of at most {@value #MAX_KEY_BYTES} UTF-8 bytes; any other is refused with
 * {@link IllegalArgumentException}. The same key on the same backend is the same lock on every node.
 *
 * <p><b>Waiting.</b> {@link #lock} blocks until the lock is held, waking when the holder releases
 * it (not by polling) or when the holder's lease ends. The options' wait time bounds the wait and
 * ends in {@link LockTimeoutException}; with retry configured, attempts are spaced by the retry
 * interval instead. No thread is parked per waiting acquisition: the blocking methods wait for the
 * asynchronous acquisition underneath, and an interrupt of the waiting thread cancels it.
 *
 * <p><b>Backend failures.</b> A backend failure during a finite wait is waited through: the
 * attempt is retried with a backoff from 50 ms doubling to 1 s until the wait ends; if the backend is
 * still failing then, the call fails with {@link LockBackendException} whose cause is the last
 * failure. A single attempt (wait time zero) fails at once. With an unbounded wait, a failure that
 * lasts longer than the backend's {@code timeout} ends the call with {@link LockBackendException}.
 * A call never hangs past its wait time.
 *
 * <p><b>Reentrancy.</b> A thread that already holds key K on this locker and asks for K again gets
 * it at once, without a round trip; the lock is released when the outermost handle is unlocked.
 * The asynchronous methods are never reentrant: they have no calling thread to count for.
 *
 * <p><b>Options.</b> Methods without {@link LockOptions} use {@link #defaultOptions()}: the
 * library's defaults overridden by this locker's configuration.
 *
 * <p><b>Leader tasks.</b> {@link #runLoop} keeps a task loop running on exactly one node at a time,
 * for as long as that node holds the lock; see {@link LeaderLoop}.
 */
public interface Locker {

    /** The longest key accepted, in UTF-8 bytes. */
    int MAX_KEY_BYTES = 1024;

    /** @return the name this locker is configured and injected under */
    String name();

    /** @return the options used when a call gives none */
    LockOptions defaultOptions();

    /**
     * Acquires the lock, waiting as the options say.
     *
     * @param key the lock's key
     * @param options lease, keep-alive, wait time and retry for this acquisition
     * @return the held lock
     * @throws LockTimeoutException when a positive wait time ran out
     * @throws LockNotAcquiredException when no wait was allowed, or the retries ran out
     * @throws LockBackendException when the backend failed
     * @throws IllegalArgumentException when the key or options are invalid
     */
    Lock lock(String key, LockOptions options);

    /**
     * {@link #lock(String, LockOptions)} with {@link #defaultOptions()}.
     *
     * @param key the lock's key
     * @return the held lock
     */
    default Lock lock(String key) {
        return lock(key, defaultOptions());
    }

    /**
     * Acquires the lock as {@link #lock(String, LockOptions)} does, but answers "someone else holds
     * it" with an empty result instead of an exception.
     *
     * @param key the lock's key
     * @param options lease, keep-alive, wait time and retry for this acquisition
     * @return the held lock, or empty when another owner held it for as long as the options allowed
     * @throws LockBackendException when the backend failed
     * @throws IllegalArgumentException when the key or options are invalid
     */
    Optional<Lock> tryLock(String key, LockOptions options);

    /**
     * One attempt, with this locker's default lease and keep-alive.
     *
     * @param key the lock's key
     * @return the held lock, or empty when another owner holds it
     */
    default Optional<Lock> tryLock(String key) {
        return tryLock(key, defaultOptions().withWaitTime(Duration.ZERO).withRetry(0, Duration.ZERO));
    }

    /**
     * Acquires the lock without blocking the caller and without a thread waiting for it: the wait
     * is a timer at the holder's lease end plus the backend's release signal. The stage completes,
     * on one of the locker's own threads (never a client's event loop), with the held lock, or
     * exceptionally with the exceptions {@link #lock(String, LockOptions)} throws. Not reentrant.
     *
     * <p><b>Giving up.</b> Cancelling the stage, completing it exceptionally or letting an
     * {@code orTimeout} on it fire aborts the acquisition: it leaves the backend's queue of waiters,
     * and a lock an attempt still in flight takes afterwards is released at once. The stage cannot
     * be completed with a value by anyone but the locker ({@code complete} throws
     * {@link UnsupportedOperationException}).
     *
     * @param key the lock's key
     * @param options lease, keep-alive, wait time and retry for this acquisition
     * @return a stage that completes once the lock is held or cannot be
     * @throws IllegalArgumentException when the key or options are invalid (thrown, not in the stage)
     */
    CompletionStage<Lock> lockAsync(String key, LockOptions options);

    /**
     * {@link #lockAsync(String, LockOptions)} with {@link #defaultOptions()}.
     *
     * @param key the lock's key
     * @return a stage that completes once the lock is held or cannot be
     */
    default CompletionStage<Lock> lockAsync(String key) {
        return lockAsync(key, defaultOptions());
    }

    /**
     * Takes several keys, all or none (Redisson's {@code RedissonMultiLock}, Curator's
     * {@code InterProcessMultiLock}): one at a time in the keys' natural order, so that two callers
     * with overlapping keys never deadlock. The wait time bounds the whole acquisition, not each
     * key. When one key cannot be had, every key already taken is released before the call fails.
     * Each key keeps its own lease and fencing token; on Redis Cluster the keys may live in
     * different slots. Not reentrant: a key this thread already holds is waited for like any other.
     *
     * @param keys the keys; duplicates count once
     * @param options the lease, keep-alive and wait time of the whole
     * @return the held keys
     * @throws IllegalArgumentException when {@code keys} is null or empty or has an invalid key, or
     *     {@code options} is null; nothing is taken
     * @throws LockTimeoutException when the wait time ended first; nothing stays held
     * @throws LockNotAcquiredException when the wait was interrupted, or one attempt found a key held
     * @throws LockBackendException when a backend kept failing; nothing stays held
     * @throws LockLostException when a key's lease ended while the keys after it were awaited (a
     *     lease shorter than the wait, with keep-alive off); nothing stays held
     */
    MultiLock lockAll(java.util.Collection<String> keys, LockOptions options);

    /**
     * {@link #lockAll(java.util.Collection, LockOptions)} with {@link #defaultOptions()}.
     *
     * @param keys the keys
     * @return the held keys
     */
    default MultiLock lockAll(java.util.Collection<String> keys) {
        return lockAll(keys, defaultOptions());
    }

    /**
     * {@link #lockAll(java.util.Collection, LockOptions)} without blocking: no thread waits. The
     * stage completes on the locker's own threads; cancelling it aborts the acquisition and
     * releases what was taken.
     *
     * @param keys the keys; duplicates count once
     * @param options the lease, keep-alive and wait time of the whole
     * @return completes with the held keys, or fails as {@code lockAll} throws
     * @throws IllegalArgumentException when an argument is invalid, at the call
     */
    CompletionStage<MultiLock> lockAllAsync(java.util.Collection<String> keys, LockOptions options);

    /**
     * {@link #tryLock(String, LockOptions)} without blocking: as {@link #lockAsync(String, LockOptions)},
     * but "another owner held it for as long as the options allowed" completes the stage with an
     * empty result instead of failing it.
     *
     * @param key the lock's key
     * @param options lease, keep-alive, wait time and retry for this acquisition
     * @return a stage that completes with the held lock, or empty; it fails with
     *     {@link LockBackendException} when the backend failed
     * @throws IllegalArgumentException when the key or options are invalid
     */
    CompletionStage<Optional<Lock>> tryLockAsync(String key, LockOptions options);

    /**
     * One attempt without blocking, with this locker's default lease and keep-alive.
     *
     * @param key the lock's key
     * @return a stage that completes with the held lock, or empty when another owner holds it
     */
    default CompletionStage<Optional<Lock>> tryLockAsync(String key) {
        return tryLockAsync(key, defaultOptions().withWaitTime(Duration.ZERO).withRetry(0, Duration.ZERO));
    }

    /**
     * Runs an asynchronous action under the lock: acquires as {@link #lockAsync(String, LockOptions)}
     * does, then calls {@code action} (on one of the locker's own threads) and releases the lock when
     * the stage it returns completes, however it completes. Cancelling the returned stage while the
     * lock is awaited aborts the acquisition; once the action runs, the lock is released when the
     * action's own stage completes.
     *
     * @param key the lock's key
     * @param options how to acquire
     * @param action starts the work to do while holding the lock; it must not return null
     * @param <T> the work's result type
     * @return the work's result, once the lock is released; it fails with
     *     {@link LockNotAcquiredException} (or {@link LockTimeoutException}) when the lock was not
     *     acquired (the action did not run), with the action's own failure, or with
     *     {@link LockLostException} when the lease ended while the work ran
     * @throws IllegalArgumentException when the key, options or action are invalid
     */
    <T> CompletionStage<T> callAsync(String key, LockOptions options, Supplier<? extends CompletionStage<T>> action);

    /**
     * Runs {@code action} under the lock and always unlocks, whether the action returns or throws.
     *
     * @param key the lock's key
     * @param options how to acquire
     * @param action what to run while holding the lock
     * @param <T> the action's result type
     * @return the action's result
     * @throws LockNotAcquiredException (or {@link LockTimeoutException}) when the lock was not
     *     acquired; the action did not run
     * @throws LockLostException when the lease ended while the action ran (thrown after it returned)
     */
    default <T> T call(String key, LockOptions options, Supplier<T> action) {
        Lock lock = lock(key, options);
        T result;
        try {
            result = action.get();
        } catch (RuntimeException | Error failure) {
            try {
                lock.unlock();
            } catch (RuntimeException unlockFailure) {
                failure.addSuppressed(unlockFailure);
            }
            throw failure;
        }
        boolean stillHeld = lock.isHeld();
        boolean owned = lock.unlock();
        if (!stillHeld || !owned) {
            throw new LockLostException(key, lock.fencingToken(), "Lock '" + key + "' on locker '" + name()
                    + "' was lost while the action ran: its lease ended, so the action was not exclusive", null);
        }
        return result;
    }

    /**
     * {@link #call(String, LockOptions, Supplier)} with {@link #defaultOptions()}.
     *
     * @param key the lock's key
     * @param action what to run while holding the lock
     * @param <T> the action's result type
     * @return the action's result
     */
    default <T> T call(String key, Supplier<T> action) {
        return call(key, defaultOptions(), action);
    }

    /**
     * Runs {@code action} under the lock and always unlocks; see {@link #call(String, LockOptions, Supplier)}.
     *
     * @param key the lock's key
     * @param options how to acquire
     * @param action what to run while holding the lock
     */
    default void run(String key, LockOptions options, Runnable action) {
        call(key, options, () -> {
            action.run();
            return null;
        });
    }

    /**
     * {@link #run(String, LockOptions, Runnable)} with {@link #defaultOptions()}.
     *
     * @param key the lock's key
     * @param action what to run while holding the lock
     */
    default void run(String key, Runnable action) {
        run(key, defaultOptions(), action);
    }

    /**
     * Starts a leader loop: a daemon thread that contends for {@code key} and, while it holds the
     * lock, runs {@code body} again and again with {@code interval} between iterations (the older
     * {@code RunLoopWithLock}). Every node that starts a loop on the same key takes its turn; see
     * {@link LeaderLoop} for what the loop promises.
     *
     * @param key the lock's key, shared by every node running this task
     * @param options the lease and keep-alive of each leadership. The wait time and retry are not
     *     used: the loop waits for the lock until it gets it or is stopped. With keep-alive off,
     *     each leadership lasts two thirds of a lease (the leader steps down before the lease
     *     ends), then the nodes contend again.
     * @param interval the pause between two iterations while leading; zero for none
     * @param body one iteration, given the lock it runs under (for its fencing token); it should
     *     return promptly when its thread is interrupted. An exception it throws is logged and the
     *     leadership goes on; an {@link Error} ends the loop and goes to the loop thread's
     *     uncaught-exception handler
     * @return the running loop, to stop it
     * @throws IllegalArgumentException when the key, options or interval are invalid, or body is null
     */
    LeaderLoop runLoop(String key, LockOptions options, Duration interval, Consumer<Lock> body);

    /**
     * {@link #runLoop(String, LockOptions, Duration, Consumer)} with {@link #defaultOptions()}.
     *
     * @param key the lock's key, shared by every node running this task
     * @param interval the pause between two iterations while leading; zero for none
     * @param body one iteration, given the lock it runs under
     * @return the running loop, to stop it
     */
    default LeaderLoop runLoop(String key, Duration interval, Consumer<Lock> body) {
        return runLoop(key, defaultOptions(), interval, body);
    }
}
