package io.github.locker.tck.etcd;

import io.github.locker.tck.MultiNodeContract;
import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdMultiNodeTest extends MultiNodeContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected String driver() {
        return "etcd";
    }

    @Override
    protected Map<String, String> backend() {
        return Map.of("endpoints", ETCD.endpoints(), "timeout", "2s");
    }

    @Override
    protected ServerProcess server() {
        return ETCD.process();
    }

    /** etcd leases are whole seconds, at least 2. */
    @Override
    protected Duration lease() {
        return Duration.ofSeconds(2);
    }

    /** Two raft writes per section: fewer rounds prove the same on etcd (see EtcdLockerTest). */
    @Override
    protected int iterations() {
        return 100;
    }
}
