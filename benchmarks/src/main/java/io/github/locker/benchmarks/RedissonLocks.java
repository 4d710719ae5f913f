package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson with its defaults (connection pool, threads), its watchdog timeout set to the lease the
 * other subjects get, so it keeps its locks alive the way ours does. {@link #lock} takes its
 * {@link RLock} unless made by {@link #readLocks}, {@link #writeLocks} or {@link #permits}.
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
    /** The locks Redisson's defaults let be waited for at once. */
    private static final int DEFAULT_LOCKS_WAITED_FOR = SUBSCRIPTION_CONNECTIONS * DEFAULT_SUBSCRIPTIONS_PER_CONNECTION;

    /** Takes one hold of a Redis key through Redisson. */
    private interface Acquirer {
        Held acquire(RedissonClient redisson, String name) throws InterruptedException;
    }

    private final RedissonClient redisson;
    private final Acquirer acquirer;

    RedissonLocks(Duration lease) {
        this(lease, DEFAULT_LOCKS_WAITED_FOR);
    }

    /**
     * @param lease the watchdog timeout
     * @param locksWaitedFor how many locks may be waited for at once: above what Redisson's defaults
     *     hold (50 connections × 5), its subscriptions per connection are raised to make room
     */
    RedissonLocks(Duration lease, int locksWaitedFor) {
        this(lease, locksWaitedFor, (redisson, name) -> held(redisson.getLock(name), name));
    }

    private RedissonLocks(Duration lease, int locksWaitedFor, Acquirer acquirer) {
        Config config = new Config();
        config.useSingleServer().setAddress(Loopback.redisUri())
                .setSubscriptionsPerConnection(subscriptionsPerConnection(locksWaitedFor));
        config.setLockWatchdogTimeout(lease.toMillis());
        this.redisson = Redisson.create(config);
        this.acquirer = acquirer;
    }

    /**
     * @param lease the watchdog timeout
     * @return a client whose {@link #lock} takes the read lock of Redisson's {@code RReadWriteLock}, kept alive by its watchdog
     */
    static RedissonLocks readLocks(Duration lease) {
        return new RedissonLocks(lease, DEFAULT_LOCKS_WAITED_FOR,
                (redisson, name) -> held(redisson.getReadWriteLock(name).readLock(), name));
    }

    /**
     * @param lease the watchdog timeout
     * @return a client whose {@link #lock} takes the write lock of Redisson's {@code RReadWriteLock}, kept alive by its watchdog
     */
    static RedissonLocks writeLocks(Duration lease) {
        return new RedissonLocks(lease, DEFAULT_LOCKS_WAITED_FOR,
                (redisson, name) -> held(redisson.getReadWriteLock(name).writeLock(), name));
    }

    /**
     * Redisson's {@link RPermitExpirableSemaphore}: its count set once per key
     * ({@code trySetPermits}, before the first acquisition of it), then {@code tryAcquire(wait, lease)}
     * returns a permit id that {@code release(id)} gives back. Its permits have a fixed lease and no
     * watchdog.
     *
     * @param lease every permit's lease
     * @param permits each semaphore's count
     * @return a client whose {@link #lock} takes one permit of the semaphore named by the key
     */
    static RedissonLocks permits(Duration lease, int permits) {
        Map<String, RPermitExpirableSemaphore> semaphores = new ConcurrentHashMap<>();
        return new RedissonLocks(lease, DEFAULT_LOCKS_WAITED_FOR, (redisson, name) -> {
            // computeIfAbsent holds back the key's other threads until the count is set
            RPermitExpirableSemaphore semaphore = semaphores.computeIfAbsent(name, key -> {
                RPermitExpirableSemaphore made = redisson.getPermitExpirableSemaphore(key);
                made.trySetPermits(permits);
                return made;
            });
            String permit = semaphore.tryAcquire(Loopback.WAIT.toMillis(), lease.toMillis(), TimeUnit.MILLISECONDS);
            if (permit == null) {
                throw new IllegalStateException("Redisson gave no permit of '" + name + "' within " + Loopback.WAIT);
            }
            return () -> semaphore.release(permit);
        });
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
        return redisson.getLock(name(key));
    }

    private static String name(String key) {
        return "redisson:" + key;
    }

    @Override
    public Held lock(String key) throws InterruptedException {
        return acquirer.acquire(redisson, name(key));
    }

    /** Takes a Redisson lock with its watchdog and returns it as a hold any thread can release. */
    private static Held held(RLock lock, String name) throws InterruptedException {
        // no lease argument: Redisson then renews the lock with its watchdog, as ours does with keep-alive
        if (!lock.tryLock(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Redisson did not get '" + name + "' within " + Loopback.WAIT);
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
