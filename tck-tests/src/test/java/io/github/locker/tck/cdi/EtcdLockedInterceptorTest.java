package io.github.locker.tck.cdi;

import io.github.locker.tck.servers.EtcdServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdLockedInterceptorTest extends LockedInterceptorContract {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(1);

    @Override
    protected Map<String, String> configuration() {
        return Map.of("locker.main.driver", "etcd", "locker.main.lease-time", shortLease().toSeconds() + "s",
                "etcd.main.endpoints", ETCD.endpoints(), "etcd.main.timeout", "2s");
    }

    @Override
    protected ServerProcess server() {
        return ETCD.process();
    }

    /** etcd's smallest lease with its default election timeout. */
    @Override
    protected Duration shortLease() {
        return Duration.ofSeconds(2);
    }
}
