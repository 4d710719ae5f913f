package io.github.locker.tck.etcd;

import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.LockerContract;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdLockerTest extends LockerContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected LockerBackend connectNode() {
        return LockerDriver.find("etcd").orElseThrow()
                .connect(BackendConfig.of("etcd", "test", Map.of("endpoints", ETCD.endpoints(), "timeout", "2s")));
    }

    @Override
    protected ServerProcess server() {
        return ETCD.process();
    }

    /**
     * Every etcd acquisition is two raft writes and a few linearizable reads (~8 ms here, against
     * ~0.5 ms on Redis), so the contention test proves the same property on fewer rounds.
     */
    @Override
    protected int contentionIterations() {
        return Integer.getInteger("etcd.iterations", 100);
    }

    /** etcd leases are whole seconds, and at least 2 s with etcd's default election timeout. */
    @Override
    protected Duration shortLease() {
        return Duration.ofSeconds(2);
    }
}
