package io.github.locker.etcd;

import io.etcd.jetcd.ByteSequence;
import io.github.locker.spi.Lease;
import io.github.locker.spi.AcquisitionListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held etcd lock: our key under the lock's prefix, its create revision (the fencing token),
 * and the session whose lease keeps it.
 */
final class EtcdLease implements Lease {
    private final EtcdBackend backend;
    private final EtcdLockEngine engine;
    private final String key;
    private final ByteSequence myKey;
    private final long createRevision;
    private final EtcdSession session;
    private final boolean ownSession;
    private final AcquisitionListener onLost;
    private final Runnable afterRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    EtcdLease(EtcdBackend backend, EtcdLockEngine engine, String key, ByteSequence myKey, long createRevision, EtcdSession session,
            boolean ownSession, AcquisitionListener onLost, Runnable afterRelease) {
        this.backend = backend;
        this.engine = engine;
        this.key = key;
        this.myKey = myKey;
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
        // Delete only the key we created: after a lost lease the name may hold another owner's key.
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
                    return deleted.isSucceeded() && validUpToNow;
                });
    }
}
