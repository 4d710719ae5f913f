package io.github.locker.tck.etcd;

import io.github.locker.tck.SemaphoreContract;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Permits on a three-member cluster: every acquisition a raft round among three. */
class EtcdClusterSemaphoreTest extends SemaphoreContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(3);

    @Override
    protected TckBackend backend() {
        return new EtcdClusterTckBackend(ETCD);
    }
}
