package io.github.locker.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least a correct Redis lock can do, on the same client library as ours: {@code SET NX PX}
 * with a unique owner token, and a compare-and-delete script. No fencing token, no keep-alive, no
 * waiting: it measures only uncontended cycles, and says so when it meets a held key. Lettuce's
 * command latency histogram is off, as in our driver ({@link Loopback#lettuceResources}).
 */
final class LettuceFloor implements LockClient {
    private static final String COMPARE_AND_DELETE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final ClientResources resources;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    private final SetArgs ifAbsentWithLease;
    private final String releaseSha;
    private final String ownerPrefix = UUID.randomUUID() + ":";
    private final AtomicLong owners = new AtomicLong();

    LettuceFloor(Duration lease) {
        this.resources = Loopback.lettuceResources();
        this.client = RedisClient.create(resources, Loopback.redisUri());
        this.connection = client.connect();
        this.redis = connection.sync();
        this.ifAbsentWithLease = SetArgs.Builder.nx().px(lease.toMillis());
        this.releaseSha = redis.scriptLoad(COMPARE_AND_DELETE);
    }

    @Override
    public Held lock(String key) {
        String owner = ownerPrefix + owners.incrementAndGet();
        String lockKey = "floor:" + key;
        if (!"OK".equals(redis.set(lockKey, owner, ifAbsentWithLease))) {
            throw new IllegalStateException("the floor measures uncontended cycles only, and '" + lockKey + "' was held");
        }
        return () -> redis.evalsha(releaseSha, ScriptOutputType.INTEGER, new String[] {lockKey}, owner);
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
        resources.shutdown();
    }
}
