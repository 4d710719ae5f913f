package io.github.locker.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.github.locker.core.Lease;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held etcd lock: our key under the lock's prefix, its create revision (the fencing token),
 * and the session whose lease keeps it.
 */
final class EtcdLease implements Lease {
    private final EtcdBackend backend;
    private final String key;
    private final ByteSequence myKey;
    private final long createRevision;
    private final EtcdSession session;
    private final boolean ownSession;
    private final Runnable afterRelease;
    private final AtomicBoolean released = new AtomicBoolean();

    EtcdLease(EtcdBackend backend, String key, ByteSequence myKey, long createRevision, EtcdSession session,
            boolean ownSession, Runnable afterRelease) {
        this.backend = backend;
        this.key = key;
        this.myKey = myKey;
        this.createRevision = createRevision;
        this.session = session;
        this.ownSession = ownSession;
        this.afterRelease = afterRelease;
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
    public boolean release() {
        boolean validUpToNow = isHeld();
        if (!released.compareAndSet(false, true)) {
            return false;
        }
        try {
            // Delete only the key we created: after a lost lease the name may hold another owner's key.
            var deleted = backend.await(backend.client().getKVClient().txn()
                    .If(new Cmp(myKey, Cmp.Op.EQUAL, CmpTarget.createRevision(createRevision)))
                    .Then(Op.delete(myKey, DeleteOption.DEFAULT))
                    .commit(), key, "releasing");
            return deleted.isSucceeded() && validUpToNow;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return validUpToNow;
        } finally {
            if (ownSession) {
                session.close();
            }
            afterRelease.run();
        }
    }
}
