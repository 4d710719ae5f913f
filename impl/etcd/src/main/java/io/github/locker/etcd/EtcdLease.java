package io.github.locker.etcd;

import io.etcd.jetcd.ByteSequence;
import io.github.locker.LockBackendException;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held etcd lock, shared hold or permit: our key under the lock's (or semaphore's) prefix, its
 * value, its create revision (the fencing token), and the session whose lease keeps it.
 */
final class EtcdLease implements Lease {
    private final EtcdBackend backend;
    private final EtcdLockEngine engine;
    private final String key;
    private final ByteSequence myKey;
    /** What the key holds (a permit's count): a move onto another lease writes it again. */
    private final ByteSequence value;
    private final long createRevision;
    /** The lease our key is attached to; a new one once the key was moved (extend, release after a delay). */
    private volatile EtcdSession session;
    /** Whether that lease is ours alone (keep-alive off, or moved), so it is revoked with the lock. */
    private volatile boolean ownSession;
    private final AcquisitionListener onLost;
    private final Runnable afterRelease;
    private final AtomicBoolean released = new AtomicBoolean();
    /** When a lock released early for hold-at-least is due to go, on the monotonic clock. */
    private volatile long dueAtNanos;

    EtcdLease(EtcdBackend backend, EtcdLockEngine engine, String key, ByteSequence myKey, ByteSequence value, long createRevision,
            EtcdSession session, boolean ownSession, AcquisitionListener onLost, Runnable afterRelease) {
        this.backend = backend;
        this.engine = engine;
        this.key = key;
        this.myKey = myKey;
        this.value = value;
        this.createRevision = createRevision;
        this.session = session;
        this.ownSession = ownSession;
        this.onLost = onLost;
        this.afterRelease = afterRelease;
        session.attach(this);
    }

    /** Called by the session when its kept-alive lease is lost. */
    void sessionLost(String reason, Throwable cause) {
        if (!released.get()) {
            onLost.leaseLost(this, reason, cause);
        }
    }

    @Override
    public long fencingToken() {
        return createRevision;
    }

    @Override
    public boolean isHeld() {
        return !released.get() && session.isAlive();
    }

    @Override
    public long expiresAtNanos() {
        return session.validUntilNanos();
    }

    @Override
    public CompletableFuture<Boolean> release() {
        boolean validUpToNow = isHeld();
        if (!released.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(false);
        }
        return deleteKey().thenApply(deleted -> deleted && validUpToNow);
    }

    /**
     * Deletes only the key we created (after a lost lease the name may hold another owner's key),
     * then lets the lease and the local turn go.
     */
    private CompletableFuture<Boolean> deleteKey() {
        return backend.explained(backend.deleteIfCreatedAt(myKey, createRevision), key, "releasing")
                .handle((deleted, failure) -> {
                    session.detach(this);
                    if (ownSession) {
                        engine.forget(session);
                        session.close();
                    } else if (failure != null) {
                        backend.deleteInBackground(myKey, createRevision, session::isAlive);
                    }
                    afterRelease.run();
                    if (failure != null) {
                        throw new CompletionException(failure);
                    }
                    return deleted.isSucceeded();
                });
    }

    @Override
    public CompletableFuture<Boolean> extend(Duration leaseTime) {
        if (released.get()) {
            return CompletableFuture.completedFuture(false);
        }
        return moveToLeaseOf(leaseTime, true);
    }

    @Override
    public CompletableFuture<Boolean> releaseAfter(Duration remaining) {
        boolean validUpToNow = isHeld();
        if (!released.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(false);
        }
        // The key stays where it is, kept by its lease (this node's kept-alive session, or the lock's
        // own): a moved key would keep its name, which this session's next acquisition of the same
        // lock would take for its own. Deleted when the time has passed; our local turn stays taken
        // until then. A crash or a close meanwhile ends it with its lease, which is never shorter.
        dueAtNanos = System.nanoTime() + remaining.toNanos();
        engine.keepsUntilDue(this);
        try {
            backend.runtime().schedule(remaining, () -> {
                engine.due(this);
                deleteKey().whenComplete((deleted, failure) -> { });
            });
        } catch (LockBackendException closed) {
            engine.due(this);
            return deleteKey().thenApply(deleted -> deleted && validUpToNow);
        }
        return CompletableFuture.completedFuture(validUpToNow);
    }

    /** At close, for a lock released early: its key moves onto a lease that ends when it is due, which the close leaves alone. */
    CompletableFuture<Boolean> keepUntilDueOnALeaseOfItsOwn() {
        long remaining = dueAtNanos - System.nanoTime();
        return remaining <= 0 ? CompletableFuture.completedFuture(false)
                : moveToLeaseOf(Duration.ofNanos(remaining), false);
    }

    /**
     * Grants a lease of {@code time} (whole seconds, rounded up; etcd may raise it to its minimum)
     * and moves our key onto it, compared on its create revision, so the fencing token stays; the
     * locker's close revokes that lease only when {@code revokedAtClose}.
     */
    private CompletableFuture<Boolean> moveToLeaseOf(Duration time, boolean revokedAtClose) {
        long ttlSeconds = Math.max(1, (time.toMillis() + 999) / 1000);
        return EtcdSession.open(backend, ttlSeconds, false).thenCompose(fresh ->
                backend.explained(backend.moveIfCreatedAt(myKey, value, createRevision, fresh.leaseId()), key, "moving to a new lease")
                        .handle((moved, failure) -> {
                            if (failure != null || !moved.isSucceeded()) {
                                fresh.close();
                                if (failure != null) {
                                    throw new CompletionException(failure);
                                }
                                return false;
                            }
                            EtcdSession previous = session;
                            boolean previousWasOurs = ownSession;
                            session = fresh;
                            ownSession = true;
                            fresh.attach(this);
                            previous.detach(this);
                            if (revokedAtClose) {
                                engine.adopt(fresh);
                            }
                            if (previousWasOurs) {
                                engine.forget(previous);
                                previous.close(); // only our key was on it, and it has moved
                            }
                            return true;
                        }));
    }
}
