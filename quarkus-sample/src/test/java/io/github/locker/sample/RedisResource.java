package io.github.locker.sample;

import io.github.locker.tck.servers.RedisServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A throw-away redis-server for the Quarkus tests, its address handed to the application's configuration. */
public class RedisResource implements QuarkusTestResourceLifecycleManager {
    private RedisServer redis;

    @Override
    public Map<String, String> start() {
        redis = new RedisServer().start();
        return Map.of("redis.main.uri", redis.uri());
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.process().kill();
        }
    }
}
