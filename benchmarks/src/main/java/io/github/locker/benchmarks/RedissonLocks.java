package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson's {@link RLock} with its defaults (connection pool, threads), its watchdog timeout set
 * to the lease the other subjects get, so it keeps its locks alive the way ours does.
 */
final class RedissonLocks implements LockClient {
    /**
     * Redisson's default subscription connections and subscriptions on each. A waiting
     * {@code RLock} subscribes to a channel of its lock's own; with these defaults, 500 locks waited
     * for at once failed waiters ("Unable to acquire connection for subscription ... Increase
     * 'subscriptionsPerConnection'").
     */
    static final int DEFAULT_SUBSCRIPTIONS_PER_CONNECTION = 5;
    private static final int SUBSCRIPTION_CONNECTIONS = 50;

    private final RedissonClient redisson;

    RedissonLocks(Duration lease) {
        this(lease, SUBSCRIPTION_CONNECTIONS * DEFAULT_SUBSCRIPTIONS_PER_CONNECTION);
    }

    /**
     * @param lease the watchdog timeout
     * @param locksWaitedFor how many locks may be waited for at once: above what Redisson's defaults
     *     hold (50 connections × 5), its subscriptions per connection are raised to make room
     */
    RedissonLocks(Duration lease, int locksWaitedFor) {
        Config config = new Config();
        config.useSingleServer().setAddress(Loopback.redisUri())
                .setSubscriptionsPerConnection(subscriptionsPerConnection(locksWaitedFor));
        config.setLockWatchdogTimeout(lease.toMillis());
        this.redisson = Redisson.create(config);
    }

    /**
     * @param locksWaitedFor how many locks may be waited for at once
     * @return the subscriptions per connection that leave room for them: Redisson's default or more
     */
    static int subscriptionsPerConnection(int locksWaitedFor) {
        int needed = (locksWaitedFor + SUBSCRIPTION_CONNECTIONS - 1) / SUBSCRIPTION_CONNECTIONS;
        return Math.max(DEFAULT_SUBSCRIPTIONS_PER_CONNECTION, needed);
    }

    /**
     * @param key the lock's name, as the other subjects get it
     * @return Redisson's lock of that name: a new object, as {@link RedissonClient#getLock} makes one per call
     */
    RLock rlock(String key) {
        return redisson.getLock("redisson:" + key);
    }

    @Override
    public Held lock(String key) throws InterruptedException {
        RLock lock = rlock(key);
        // no lease argument: Redisson then renews the lock with its watchdog, as ours does with keep-alive
        if (!lock.tryLock(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Redisson did not get '" + key + "' within " + Loopback.WAIT);
        }
        // RLock belongs to a thread; naming the owner lets any thread release it, as a Lock handle can
        long owner = Thread.currentThread().getId();
        return () -> lock.unlockAsync(owner).toCompletableFuture().get(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        redisson.shutdown();
    }
}
