package io.github.locker.redis;

import io.github.locker.LockOptions;
import io.github.locker.core.Deadline;
import io.github.locker.core.Keys;
import io.github.locker.core.Lease;
import io.github.locker.core.AcquisitionListener;
import io.github.locker.core.LockEngine;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Acquisition on Redis: one script call per attempt; between attempts the waiter sleeps until a
 * release message wakes it or the holder's lease would have ended, whichever comes first.
 */
final class RedisLockEngine implements LockEngine {
    /** An attempt may always take this long (bounded by the command timeout), even when the wait time is shorter. */
    private static final Duration MIN_ATTEMPT_TIME = Duration.ofSeconds(1);
    /** When the holder's key carries no TTL (not ours: someone set it by hand), look again this often. */
    private static final long FOREIGN_KEY_RECHECK_MILLIS = 100;
    /** The acquire script's {@code waiting}: one attempt, never in the waiters set. */
    private static final String NOT_WAITING = "0";
    /** The acquire script's {@code waiting}: in the waiters set while it fails, out once it acquires. */
    private static final String WAITING = "1";
    /**
     * How much longer than the holder's lease a waiters set lives: a waiter tries again at the
     * latest when that lease ends, and this covers a slow round trip on the way.
     */
    private static final Duration WAITERS_COUNT_MARGIN = Duration.ofSeconds(10);

    private final RedisBackend backend;
    private final String keyPrefix;

    RedisLockEngine(RedisBackend backend, String keyPrefix) {
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("key prefix must not contain '{' or '}' (Redis Cluster hash tags), was '"
                    + keyPrefix + "'");
        }
        this.backend = backend;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public Lease acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener)
            throws InterruptedException {
        String lockKey = lockKeyOf(key);
        String owner = backend.newOwnerToken();
        // Whether this call may be in the lock's waiters set, which makes releases publish for it. Set
        // before an attempt that may add it, answered or not: taking a token out that is not in is harmless.
        boolean mayBeWaiting = false;
        boolean acquired = false;
        try {
            while (true) {
                CompletableFuture<Void> released = deadline.hasPassed() ? null : backend.waiters().register(lockKey);
                try {
                    mayBeWaiting |= released != null;
                    long sentAt = System.nanoTime();
                    List<Long> reply = attempt(key, lockKey, owner, options, deadline, mayBeWaiting ? WAITING : NOT_WAITING);
                    if (reply.get(0) == 1L) {
                        acquired = true; // and out of the set, if it was in
                        return RedisLease.start(backend, key, lockKey, owner, reply.get(1), options, sentAt, listener);
                    }
                    if (released == null || deadline.hasPassed()) {
                        return null;
                    }
                    listener.contended();
                    long holderMillisLeft = reply.get(1) > 0 ? reply.get(1) : FOREIGN_KEY_RECHECK_MILLIS;
                    long sleepNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(holderMillisLeft), deadline.remainingNanos());
                    try {
                        released.get(sleepNanos, TimeUnit.NANOSECONDS);
                    } catch (TimeoutException holderLeaseOver) {
                        // the holder's lease has ended (or the wait time has): try again
                    } catch (java.util.concurrent.ExecutionException impossible) {
                        throw new IllegalStateException(impossible);
                    }
                } finally {
                    if (released != null) {
                        backend.waiters().unregister(lockKey, released);
                    }
                }
            }
        } finally {
            if (mayBeWaiting && !acquired) {
                backend.stopWaiting(lockKey, owner);
            }
        }
    }

    private List<Long> attempt(String key, String lockKey, String owner, LockOptions options, Deadline deadline,
            String waiting) throws InterruptedException {
        CompletableFuture<List<Long>> reply = backend.run(RedisScript.ACQUIRE,
                new String[] {lockKey, fenceKeyOf(lockKey), RedisBackend.waitersKeyOf(lockKey)}, owner,
                Long.toString(options.leaseTime().toMillis()), waiting, Long.toString(WAITERS_COUNT_MARGIN.toMillis()));
        Duration timeout = deadline.attemptTimeout(backend.commandTimeout(), MIN_ATTEMPT_TIME);
        boolean answered = false;
        try {
            List<Long> result = backend.await(reply, timeout, key, "acquiring");
            answered = true;
            return result;
        } finally {
            if (!answered) {
                // The script may still run after we gave up on it: delete what it may have taken.
                backend.release(lockKey, owner);
            }
        }
    }

    /**
     * {@code <prefix>{<key>}}: the braces are a Cluster hash tag, so the fence key lands on the same
     * node. Braces in the key are escaped: a key starting with '}' would otherwise make the tag empty,
     * and Redis would hash the two keys whole, into different slots.
     */
    private String lockKeyOf(String key) {
        return keyPrefix + "{" + Keys.escape(key, "{}") + "}";
    }

    /** The lock key's hash tag is its first one (the prefix has no braces), so the fence key shares it. */
    private static String fenceKeyOf(String lockKey) {
        return lockKey + ":fence";
    }

    @Override
    public String describe() {
        return backend.describe();
    }
}
