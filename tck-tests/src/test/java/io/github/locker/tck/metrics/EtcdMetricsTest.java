package io.github.locker.tck.metrics;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdMetricsTest extends MetricsContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected TckBackend backend() {
        return new EtcdTckBackend(ETCD);
    }
}
