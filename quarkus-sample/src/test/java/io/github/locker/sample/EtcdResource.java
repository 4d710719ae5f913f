package io.github.locker.sample;

import io.github.locker.tck.servers.EtcdServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A throw-away one-member etcd, and the one property that moves the sample's locks onto it. */
public class EtcdResource implements QuarkusTestResourceLifecycleManager {
    private EtcdServer etcd;

    @Override
    public Map<String, String> start() {
        etcd = new EtcdServer(1).start();
        return Map.of("locker.main.driver", "etcd", "etcd.main.endpoints", etcd.endpoints());
    }

    @Override
    public void stop() {
        if (etcd != null) {
            etcd.afterAll(null);
        }
    }
}
