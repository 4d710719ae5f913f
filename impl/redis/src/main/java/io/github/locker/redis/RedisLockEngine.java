package io.github.locker.redis;

import io.github.locker.LockBackendException;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
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
 * triggers the next attempt. No thread waits, and an uncontended acquisition sets up no wait at
 * all. Exclusive, shared and permit holds differ only in their keys and scripts ({@link HoldKeys}).
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
    /** The acquire script's {@code waiting} once an attempt failed: as {@link #WAITING}, and a writer mark may be ours. */
    private static final String WAITED = "2";
    /** The acquire script's first reply for a semaphore whose holders use another number of permits. */
    private static final long OTHER_PERMIT_COUNT = -1;

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

    /** Every mode: shares and permits as well as exclusive locks. */
    @Override
    public boolean supports(LockMode mode) {
        return true;
    }

    /** One acquisition's attempts and waits. */
    private final class Acquisition {
        private final String key;
        private final HoldKeys hold;
        private final String owner = backend.newOwnerToken();
        private final LockOptions options;
        /** The lease as the scripts take it, in ms. */
        private final String leaseMillis;
        private final Deadline deadline;
        private final AcquisitionListener listener;
        private final CompletableFuture<Lease> result = new CompletableFuture<>();
        /**
         * Whether this acquisition may be in the lock's waiters set, which makes releases publish for
         * it. Set before an attempt that may add it, answered or not: taking out a token that is not
         * in is harmless.
         */
        private volatile boolean mayBeWaiting;
        /** Whether an attempt failed while waiting, so it may have left a writer mark for the next to take out. */
        private volatile boolean failedWaiting;
        /** The current wait, set up after a failed attempt: the release message's future and the lease-end timer. */
        private volatile CompletableFuture<Void> released;
        private volatile Future<?> holderLeaseEnd;
        private volatile boolean attemptInFlight;
        /**
         * On a Cluster with sharded pub/sub: the subscription to the key's release channel, taken at the
         * first failed attempt (so an uncontended acquisition subscribes to nothing) and left at the end.
         */
        private volatile ShardedReleases.Interest listening;

        Acquisition(String key, LockOptions options, Deadline deadline, AcquisitionListener listener) {
            this.key = key;
            this.hold = HoldKeys.of(lockKeyOf(key), options.mode());
            this.options = options;
            this.leaseMillis = Long.toString(options.leaseTime().toMillis());
            this.deadline = deadline;
            this.listener = listener;
        }

        CompletableFuture<Lease> start() {
            // the caller giving up (or the end below) stops the wait and leaves the waiters set
            result.whenComplete((lease, failure) -> {
                stopWaiting();
                stopListening();
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
            mayBeWaiting |= willWait;
            // read before the attempt is sent: a release announced between its failure and our wait is not missed
            long announcedBefore = willWait ? backend.waiters().announcementsSeen(hold.waitKey(), hold.shared()) : 0;
            long sentAt = System.nanoTime();
            attemptInFlight = true;
            String waiting = !mayBeWaiting ? NOT_WAITING : failedWaiting ? WAITED : WAITING;
            String[] arguments = options.mode() == LockMode.PERMIT
                    ? new String[] {owner, leaseMillis, waiting, Integer.toString(options.permits())}
                    : new String[] {owner, leaseMillis, waiting};
            ReplicaAcks acks = backend.acks();
            CompletableFuture<List<Long>> answer = acks == null
                    ? backend.<List<Long>>run(hold.acquire(), hold.acquireKeys(), arguments)
                    : acks.acquire(key, hold.acquire(), hold.acquireKeys(), arguments);
            // An acknowledged attempt may take its replicas' timeout on top of the round trip, twice when Redis
            // did not know the script: the WAIT sent behind the refused EVALSHA blocks too, with too few replicas.
            Duration floor = acks == null ? MIN_ATTEMPT_TIME : MIN_ATTEMPT_TIME.plus(acks.timeout().multipliedBy(2));
            backend.explained(answer, deadline.attemptTimeout(backend.commandTimeout(), floor), key, "acquiring")
                    .whenComplete((reply, failure) -> answered(reply, failure, sentAt, willWait, announcedBefore));
        }

        private void answered(List<Long> reply, Throwable failure, long sentAt, boolean willWait, long announcedBefore) {
            attemptInFlight = false;
            if (result.isDone() && (failure != null || reply.get(0) != 1L)) {
                leaveWaitersSet(null); // the caller gave up while this attempt was on its way
            }
            if (failure != null) {
                // The script may still run after we gave up on it, or it ran and too few replicas acknowledged
                // it: delete what it may have taken (owner-only, so nobody else's hold).
                backend.release(hold, owner);
                result.completeExceptionally(failure);
                return;
            }
            if (reply.get(0) == 1L) {
                RedisLease lease = RedisLease.start(backend, key, hold, owner, reply.get(1), options, sentAt, listener);
                mayBeWaiting = false; // the successful script took the token out of the set
                if (!result.complete(lease)) {
                    lease.release(); // the caller gave up while the winning attempt was on its way
                }
                return;
            }
            if (reply.get(0) == OTHER_PERMIT_COUNT) {
                mayBeWaiting = false; // the script took the token out of the set, if it was in
                result.completeExceptionally(otherPermitCount(reply.get(1)));
                return;
            }
            failedWaiting |= willWait;
            if (!willWait || deadline.hasPassed() || result.isDone()) {
                result.complete(null);
                return;
            }
            // on the client's event loop: the wait (a timer, the waiters' registry, a subscription) is set up on ours
            backend.runtime().callbacks().execute(() -> {
                CompletableFuture<Void> wakeUp = backend.waiters().register(hold.waitKey(), hold.shared(), announcedBefore);
                released = wakeUp;
                if (result.isDone()) {
                    stopWaiting(); // ended while we registered: its end may not have seen the registration
                    return;
                }
                waitForRelease(reply.get(1), wakeUp);
                CompletableFuture<Long> subscribed = subscribedAt();
                if (subscribed != null) {
                    // The attempt may have reached Redis before the subscription, and a release published in
                    // between: then once subscribed we wake ourselves to try again, not sleep to the lease end.
                    // A subscription that fails leaves the wait to its timer.
                    subscribed.thenAccept(at -> {
                        if (at - sentAt >= 0) {
                            wakeUp.complete(null);
                        }
                    });
                }
            });
        }

        /**
         * @return on a Cluster with sharded pub/sub, when the subscription to the key's channel was
         *     confirmed (subscribing at the first call); else null: one subscription hears every release
         */
        private CompletableFuture<Long> subscribedAt() {
            ShardedReleases.Interest interest = listening;
            if (interest == null) {
                interest = backend.listen(hold.waitKey());
                if (interest == null) {
                    return null;
                }
                listening = interest;
                if (result.isDone()) {
                    stopListening(); // ended while we subscribed: its end may not have seen the interest
                }
            }
            return interest.confirmedAt();
        }

        private void stopListening() {
            ShardedReleases.Interest interest = listening;
            if (interest != null) {
                interest.leave();
            }
        }

        /** @return the refusal of a permit whose count disagrees with that of the semaphore's holders */
        private LockConflictException otherPermitCount(long holdersPermits) {
            return new LockConflictException(key, "Semaphore '" + key + "' on " + backend.describe() + " is held with "
                    + holdersPermits + " permits, but this acquisition asked for one of " + options.permits()
                    + ": acquire it with withPermits(" + holdersPermits + ") as its holders do, or change the count "
                    + "only once every permit is released", null);
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
                backend.stopWaiting(hold, owner);
            }
        }

        /** Leaves the local wait (not the Redis waiters set): the message future and the timer. */
        private void stopWaiting() {
            CompletableFuture<Void> wakeUp = released;
            if (wakeUp != null) {
                backend.waiters().unregister(hold.waitKey(), wakeUp, hold.shared());
            }
            Future<?> timer = holderLeaseEnd;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * {@code <prefix>{<key>}}: the braces are a Cluster hash tag, so every key of the lock and of the
     * key's semaphore ({@link HoldKeys}) lands on the same node: the tag is the first one, since the
     * prefix has no braces. Braces in the key are escaped: a key starting with '}' would otherwise make the tag empty,
     * and Redis would hash the two keys whole, into different slots.
     */
    private String lockKeyOf(String key) {
        return keyPrefix + "{" + Keys.escape(key, "{}") + "}";
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
