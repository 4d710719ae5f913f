package io.github.locker.tck;

import io.github.locker.tck.servers.RedisServer;
import io.github.locker.tck.servers.ServerProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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

    /** The lock key and the members of its waiters set; the fence counter outlives the lock by design. */
    /**
     * @param key a key of a locker made by {@link Nodes}
     * @return what the backend keeps for the key (see {@link AsyncLockerContract#entriesFor})
     */
    public long entriesFor(String key) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> commands = connection.sync();
            String lockKey = Nodes.PREFIX + "{" + key + "}";
            return commands.exists(lockKey) + commands.scard(lockKey + ":waiters");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
