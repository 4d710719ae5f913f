package io.github.locker.tck;

import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.Map;

/** The Redis driver under the TCK, on a {@link RedisServer} the test class registered. */
public final class RedisTckBackend implements TckBackend {
    private final RedisServer redis;

    /** @param redis the server */
    public RedisTckBackend(RedisServer redis) {
        this.redis = redis;
    }

    @Override
    public String driver() {
        return "redis";
    }

    @Override
    public Map<String, String> section() {
        return Map.of("uri", redis.uri(), "timeout", "2s");
    }

    @Override
    public ServerProcess server() {
        return redis.process();
    }

    @Override
    public Duration shortLease() {
        return Duration.ofMillis(600);
    }
}
