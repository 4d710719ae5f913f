package io.github.locker.tck.etcd;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.SharedLockContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdSharedLockTest extends SharedLockContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }
}
