package io.github.locker.redis;

import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.core.Keys;
import io.github.locker.spi.LockEngine;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Acquisition on Redis: one script call per attempt; between attempts the waiter is a future in
 * the backend's release waiters plus a timer at the holder's lease end, whichever fires first
 * triggers the next attempt. No thread waits.
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
        List<String> problems = new RedisDriver().checkKeyPrefix(keyPrefix);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("The key prefix " + problems.get(0));
        }
        this.backend = backend;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public CompletableFuture<Lease> acquire(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
        return new Acquisition(key, options, deadline, listener).start();
    }

    /** One acquisition's attempts and waits. */
    private final class Acquisition {
        private final String key;
        private final String lockKey;
        private final String owner = backend.newOwnerToken();
        private final LockOptions options;
        private final Deadline deadline;
        private final AcquisitionListener listener;
        private final CompletableFuture<Lease> result = new CompletableFuture<>();
        /**
         * Whether this acquisition may be in the lock's waiters set, which makes releases publish for
         * it. Set before an attempt that may add it, answered or not: taking out a token that is not
         * in is harmless.
         */
        private volatile boolean mayBeWaiting;
        /** The current wait: the release message's future and the lease-end timer. */
        private volatile CompletableFuture<Void> released;
        private volatile Future<?> holderLeaseEnd;
        private volatile boolean attemptInFlight;

        Acquisition(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
            this.key = key;
            this.lockKey = lockKeyOf(key);
            this.options = options;
            this.deadline = deadline;
            this.listener = listener;
        }

        CompletableFuture<Lease> start() {
            // the caller giving up (or the end below) stops the wait and leaves the waiters set
            result.whenComplete((lease, failure) -> {
                stopWaiting();
                if (!attemptInFlight) {
                    leaveWaitersSet(lease);
                } // else the attempt's answer leaves it: sent now, the removal could overtake a resent script
            });
            attempt();
            return result;
        }

        private void attempt() {
            if (result.isDone()) {
                return;
            }
            boolean willWait = !deadline.hasPassed();
            // registered before the attempt, so a release between a failed attempt and the wait is not missed
            CompletableFuture<Void> wakeUp = willWait ? backend.waiters().register(lockKey) : null;
            released = wakeUp;
            mayBeWaiting |= willWait;
            if (result.isDone()) {
                stopWaiting();
                return;
            }
            long sentAt = System.nanoTime();
            attemptInFlight = true;
            backend.explained(backend.<List<Long>>run(RedisScript.ACQUIRE,
                            new String[] {lockKey, fenceKeyOf(lockKey), RedisBackend.waitersKeyOf(lockKey)}, owner,
                            Long.toString(options.leaseTime().toMillis()), mayBeWaiting ? WAITING : NOT_WAITING,
                            Long.toString(WAITERS_COUNT_MARGIN.toMillis())),
                    deadline.attemptTimeout(backend.commandTimeout(), MIN_ATTEMPT_TIME), key, "acquiring")
                    .whenComplete((reply, failure) -> answered(reply, failure, sentAt, wakeUp));
        }

        private void answered(List<Long> reply, Throwable failure, long sentAt, CompletableFuture<Void> wakeUp) {
            attemptInFlight = false;
            if (result.isDone() && (failure != null || reply.get(0) != 1L)) {
                leaveWaitersSet(null); // the caller gave up while this attempt was on its way
            }
            if (failure != null) {
                // The script may still run after we gave up on it: delete what it may have taken.
                backend.release(lockKey, owner);
                result.completeExceptionally(failure);
                return;
            }
            if (reply.get(0) == 1L) {
                RedisLease lease = RedisLease.start(backend, key, lockKey, owner, reply.get(1), options, sentAt, listener);
                mayBeWaiting = false; // the successful script took the token out of the set
                if (!result.complete(lease)) {
                    lease.release(); // the caller gave up while the winning attempt was on its way
                }
                return;
            }
            if (wakeUp == null || deadline.hasPassed() || result.isDone()) {
                result.complete(null);
                return;
            }
            // on the client's event loop: the wait (a timer, the waiters' registry) is set up on ours
            backend.runtime().callbacks().execute(() -> waitForRelease(reply.get(1), wakeUp));
        }

        /** Sleeps until the release message or the holder's lease end, whichever comes first, then tries again. */
        private void waitForRelease(long holderMillisLeftOrNone, CompletableFuture<Void> wakeUp) {
            listener.contended();
            long holderMillisLeft = holderMillisLeftOrNone > 0 ? holderMillisLeftOrNone : FOREIGN_KEY_RECHECK_MILLIS;
            long sleepNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(holderMillisLeft), deadline.remainingNanos());
            AtomicBoolean woken = new AtomicBoolean();
            Runnable again = () -> {
                if (woken.compareAndSet(false, true)) {
                    // woken by the timer: a release message arriving now goes to the next waiter, not to us
                    wakeUp.cancel(false);
                    stopWaiting();
                    attempt(); // past the deadline, a last single attempt
                }
            };
            try {
                holderLeaseEnd = backend.runtime().schedule(Duration.ofNanos(sleepNanos), again);
            } catch (LockBackendException closed) {
                result.completeExceptionally(closed);
                return;
            }
            // the release message arrives on the pub/sub connection's event loop: the next attempt is sent from ours
            wakeUp.thenRunAsync(again, backend.runtime().callbacks());
            if (result.isDone()) {
                stopWaiting();
            }
        }

        /** Takes our token out of the Redis waiters set, if an attempt may have put it there and we did not acquire. */
        private void leaveWaitersSet(Lease lease) {
            if (mayBeWaiting && lease == null) {
                backend.stopWaiting(lockKey, owner);
            }
        }

        /** Leaves the local wait (not the Redis waiters set): the message future and the timer. */
        private void stopWaiting() {
            CompletableFuture<Void> wakeUp = released;
            if (wakeUp != null) {
                backend.waiters().unregister(lockKey, wakeUp);
            }
            Future<?> timer = holderLeaseEnd;
            if (timer != null) {
                timer.cancel(false);
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

    /** Redis refusing the user (a wrong password, a missing permission) will not pass by waiting. */
    @Override
    public boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Duration timeout() {
        return backend.commandTimeout();
    }

    @Override
    public String describe() {
        return backend.describe();
    }
}
