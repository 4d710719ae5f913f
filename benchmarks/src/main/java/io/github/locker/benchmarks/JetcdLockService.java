package io.github.locker.benchmarks;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lock;
import java.time.Duration;

/** etcd's own Lock service (the server runs the lock protocol), through jetcd's {@link Lock} client. */
final class JetcdLockService extends EtcdBaseline {
    private final Lock locks;

    JetcdLockService(Duration lease) {
        super(lease);
        this.locks = client().getLockClient();
    }

    @Override
    public Held lock(String key) throws Exception {
        ByteSequence owned = await(locks.lock(bytes("jetcd-lock/" + key), lease())).getKey();
        return () -> await(locks.unlock(owned));
    }
}
