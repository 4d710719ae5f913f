package io.github.locker.tck.etcd;

import io.github.locker.tck.EtcdTckBackend;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.EtcdServer;
import java.time.Duration;
import java.util.Map;

/** The etcd driver on a three-member cluster, connected to all three endpoints; no fault is injected. */
final class EtcdClusterTckBackend implements TckBackend {
    private final EtcdServer etcd;
    private final EtcdTckBackend single;

    EtcdClusterTckBackend(EtcdServer etcd) {
        this.etcd = etcd;
        this.single = new EtcdTckBackend(etcd);
    }

    @Override
    public String driver() {
        return "etcd";
    }

    @Override
    public Map<String, String> section() {
        return Map.of("endpoints", etcd.endpoints(), "timeout", "2s");
    }

    @Override
    public Duration shortLease() {
        return single.shortLease();
    }

    @Override
    public int contentionIterations() {
        return single.contentionIterations();
    }
}
