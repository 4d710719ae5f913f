package io.github.locker.benchmarks;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * ShedLock's Redis provider ({@code shedlock-provider-redis-spring}) on Spring Data Redis's Lettuce
 * connection factory with its defaults (one shared connection for every thread, as ours), but
 * Lettuce's command latency histogram off as for every subject on Lettuce: the lock
 * many users pick for scheduled tasks. It never waits: a held lock is refused at once, so it
 * measures only uncontended cycles, and says so when it meets a held key. No fencing token, no
 * keep-alive: its lock lives {@code lockAtMostFor}, here the lease the other subjects get.
 */
final class ShedLockRedis implements LockClient {
    private final ClientResources resources;
    private final LettuceConnectionFactory connections;
    private final RedisLockProvider locks;
    private final Duration lease;

    ShedLockRedis(Duration lease) {
        RedisURI uri = RedisURI.create(Loopback.redisUri());
        this.resources = Loopback.lettuceResources();
        this.connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()),
                LettuceClientConfiguration.builder().clientResources(resources).build());
        connections.afterPropertiesSet(); // starts it too: Spring Data Redis's early start-up is on by default
        this.locks = new RedisLockProvider(connections, "bench");
        this.lease = lease;
    }

    @Override
    public Held lock(String key) {
        Optional<SimpleLock> lock = locks.lock(new LockConfiguration(Instant.now(), key, lease, Duration.ZERO));
        if (lock.isEmpty()) {
            throw new IllegalStateException("ShedLock never waits, so it measures uncontended cycles only, and '" + key + "' was held");
        }
        return lock.get()::unlock;
    }

    @Override
    public void close() {
        connections.destroy();
        resources.shutdown();
    }
}
