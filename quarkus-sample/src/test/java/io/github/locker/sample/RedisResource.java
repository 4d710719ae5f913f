package io.github.locker.sample;

import io.github.locker.tck.servers.RedisServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A throw-away redis-server for the Quarkus tests, its address handed to the application's
 * configuration: the locks' backend and the check-in store. Tests that stop and restart it reach
 * it through {@link #server()}.
 */
public class RedisResource implements QuarkusTestResourceLifecycleManager {
    private static volatile RedisServer running;

    @Override
    public Map<String, String> start() {
        running = new RedisServer().start();
        return Map.of("redis.main.uri", running.uri());
    }

    @Override
    public void stop() {
        if (running != null) {
            running.process().kill();
        }
    }

    /** @return the server of the application under test */
    static RedisServer server() {
        return running;
    }
}
