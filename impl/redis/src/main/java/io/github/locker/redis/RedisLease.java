package io.github.locker.redis;

import io.github.locker.LockOptions;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One held Redis lock, share of a lock or permit ({@link HoldKeys}): its owner token, its fencing
 * token, its validity on the monotonic clock and when its next renewal is due (sent by the
 * backend's {@link RenewalBatch}, which looks through the backend's held leases: no set of its own to
 * join and leave). The validity is counted from before the acquire request was
 * sent, less a margin for clock drift between this host and Redis, and moves forward only when a
 * renewal succeeds.
 */
final class RedisLease implements Lease {
    private static final Logger LOG = Logger.getLogger(RedisLease.class.getName());

    private enum State { HELD, RELEASED, LOST }

    private final RedisBackend backend;
    private final String key;
    private final HoldKeys hold;
    private final String owner;
    private final long fencingToken;
    private final long leaseMillis;
    /** Whether the backend's {@link RenewalBatch} renews it, at a third of its lease, while it is held. */
    private final boolean keptAlive;
    private final AcquisitionListener onLost;
    private final AtomicReference<State> state = new AtomicReference<>(State.HELD);
    private volatile long validUntilNanos;
    private volatile long nextRenewalNanos;
    private volatile boolean renewing;

    private RedisLease(RedisBackend backend, String key, HoldKeys hold, String owner, long fencingToken,
            long leaseMillis, boolean keptAlive, long sentAtNanos, AcquisitionListener onLost) {
        this.backend = backend;
        this.key = key;
        this.hold = hold;
        this.owner = owner;
        this.fencingToken = fencingToken;
        this.leaseMillis = leaseMillis;
        this.keptAlive = keptAlive;
        this.onLost = onLost;
        this.validUntilNanos = validUntil(sentAtNanos);
    }

    static RedisLease start(RedisBackend backend, String key, HoldKeys hold, String owner, long fencingToken,
            LockOptions options, long sentAtNanos, AcquisitionListener onLost) {
        RedisLease lease = new RedisLease(backend, key, hold, owner, fencingToken,
                options.leaseTime().toMillis(), options.keepAlive(), sentAtNanos, onLost);
        lease.nextRenewalNanos = sentAtNanos + TimeUnit.MILLISECONDS.toNanos(lease.leaseMillis / 3);
        backend.held().add(lease);
        return lease;
    }

    @Override
    public long fencingToken() {
        return fencingToken;
    }

    @Override
    public boolean isHeld() {
        return state.get() == State.HELD && System.nanoTime() - validUntilNanos < 0;
    }

    @Override
    public long expiresAtNanos() {
        return validUntilNanos;
    }

    @Override
    public CompletableFuture<Boolean> release() {
        boolean validUpToNow = isHeld();
        CompletableFuture<Long> releasing = startRelease();
        if (releasing == null) {
            return CompletableFuture.completedFuture(false);
        }
        return backend.explained(releasing, backend.commandTimeout(), key, "releasing").handle((deleted, failure) -> {
            if (failure != null) {
                // Redis may come back before the lease ends (a restart with its data): free the lock then,
                // not at the end of the lease
                backend.releaseUntil(hold, owner, validUntilNanos);
                throw new CompletionException(failure);
            }
            return deleted == 1L && validUpToNow;
        });
    }

    @Override
    public CompletableFuture<Boolean> extend(Duration leaseTime) {
        if (state.get() != State.HELD) {
            return CompletableFuture.completedFuture(false);
        }
        long sentAt = System.nanoTime();
        return backend.explained(expireIn(leaseTime), backend.commandTimeout(), key, "extending").thenApply(extended -> {
            if (extended && state.get() == State.HELD) {
                validUntilNanos = validUntil(sentAt, leaseTime.toMillis());
                return true;
            }
            return false;
        });
    }

    @Override
    public CompletableFuture<Boolean> releaseAfter(Duration remaining) {
        if (state.getAndSet(State.RELEASED) == State.RELEASED) {
            return CompletableFuture.completedFuture(false);
        }
        boolean validUpToNow = System.nanoTime() - validUntilNanos < 0;
        backend.held().remove(this);
        // no release message: the lock stays ours on Redis, and waiters look again when its TTL ends
        return backend.explained(expireIn(remaining), backend.commandTimeout(), key, "releasing after a delay")
                .thenApply(stillOurs -> stillOurs && validUpToNow);
    }

    /** The renewal script on this one hold: a compare-and-{@code PEXPIRE} to {@code remaining} from now. */
    private CompletableFuture<Boolean> expireIn(Duration remaining) {
        CompletableFuture<List<Long>> answer = backend.run(hold.renew(), hold.renewKeys(), owner,
                // rounded up: the lock must not end before the time asked (holdAtLeast), and Redis counts whole ms
                Long.toString(Math.max(1, (remaining.toNanos() + 999_999) / 1_000_000)));
        return answer.thenApply(renewed -> renewed.get(0) == 1L);
    }

    /**
     * Stops the keep-alive and sends the compare-and-delete, without waiting for it.
     *
     * @return the deletion's answer (1 when it was ours), or null when already released
     */
    CompletableFuture<Long> startRelease() {
        if (state.getAndSet(State.RELEASED) == State.RELEASED) {
            return null;
        }
        backend.held().remove(this);
        return backend.release(hold, owner);
    }

    /** @return whether a renewal should be sent now: kept alive, held, none in flight, and its time has come */
    boolean renewalDue(long now) {
        return keptAlive && state.get() == State.HELD && !renewing && now - nextRenewalNanos >= 0;
    }

    /** Called by the batch as it sends this lock's renewal. */
    void renewalSent() {
        renewing = true;
    }

    /**
     * The answer to a renewal sent at {@code sentAt}.
     *
     * @param renewed whether Redis extended the lock (it was still ours)
     * @param failure why there was no answer, or null
     */
    void renewalAnswered(long sentAt, boolean renewed, Throwable failure) {
        renewing = false;
        if (state.get() != State.HELD) {
            return;
        }
        if (failure == null && renewed) {
            validUntilNanos = validUntil(sentAt);
            nextRenewalNanos = sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis / 3);
        } else if (failure == null) {
            markLost("its key expired or now belongs to another owner", null);
        } else if (System.nanoTime() - validUntilNanos >= 0) {
            markLost("renewals failed until the lease ended", failure);
        } else {
            nextRenewalNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(leaseMillis / 10, 1000));
        }
    }

    /** @return where the hold lives, and so which renewal script with which keys renews it */
    HoldKeys hold() {
        return hold;
    }

    String owner() {
        return owner;
    }

    long leaseMillis() {
        return leaseMillis;
    }

    private void markLost(String why, Throwable cause) {
        if (state.compareAndSet(State.HELD, State.LOST)) {
            LOG.log(Level.WARNING, "Lock ''{0}'' (token {1}) on {2} was lost: {3}{4}",
                    new Object[] {key, fencingToken, backend.describe(), why, cause == null ? "" : " (" + cause + ")"});
            onLost.leaseLost(this, why, cause);
        }
    }

    /** Redis's own advice: allow for drift of 1% of the lease plus 2 ms between the two clocks. */
    private long validUntil(long sentAtNanos) {
        return validUntil(sentAtNanos, leaseMillis);
    }

    private static long validUntil(long sentAtNanos, long leaseMillis) {
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        long drift = leaseNanos / 100 + TimeUnit.MILLISECONDS.toNanos(2);
        return sentAtNanos + Math.max(leaseNanos - drift, leaseNanos / 2);
    }
}
