package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import io.github.locker.tck.Contention;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisSentinelServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis driver configured with a {@code redis-sentinel://} URI only: it must ask the sentinel
 * for the master, then lock, fence and wake waiters on that master. Failover is not covered: one
 * master and no replica.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisSentinelLockerTest {
    @RegisterExtension
    static final RedisSentinelServer SENTINEL = new RedisSentinelServer();

    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", SENTINEL.uri(), "timeout", "2s"));

    private static final String PREFIX = Nodes.PREFIX;

    private ExecutorService threads;
    private String key;

    @BeforeEach
    void takeKeyAndThreads() {
        key = nodes.key();
        threads = nodes.threads();
    }

    /** @return a locker on a backend of its own, which knows only the sentinel's address */
    private Locker newLocker() {
        return nodes.newLocker();
    }

    @Test
    void lockAndUnlockOnTheMasterTheSentinelNames() {
        Locker locker = newLocker();
        String lockKey = PREFIX + "{" + key + "}";

        Lock lock = locker.lock(key);

        assertThat(lock.isHeld()).isTrue();
        // Ask the master itself: the driver was given only the sentinel's port.
        assertThat(SENTINEL.cli(SENTINEL.master(), "exists", lockKey)).as("the lock key on the master").isEqualTo("1");
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.isHeld()).isFalse();
        assertThat(SENTINEL.cli(SENTINEL.master(), "exists", lockKey)).as("deleted by the unlock").isEqualTo("0");
    }

    @Test
    void tryLockIsEmptyWhileAnotherBackendHoldsTheLock() {
        Locker holder = newLocker();
        Locker other = newLocker();
        Lock held = holder.lock(key);

        assertThat(other.tryLock(key)).isEmpty();

        assertThat(held.unlock()).isTrue();
        Optional<Lock> now = other.tryLock(key);
        assertThat(now).as("free once released").isPresent();
        assertThat(now.get().unlock()).isTrue();
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossBackends() {
        Locker first = newLocker();
        Locker second = newLocker();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 10; i++) {
            try (Lock lock = (i % 2 == 0 ? first : second).lock(key)) {
                assertThat(lock.fencingToken()).isGreaterThan(previous);
                previous = lock.fencingToken();
            }
        }
    }

    @Test
    void waiterIsWokenByTheReleaseNotAtLeaseEnd() throws Exception {
        long wokeAfterMillis = Contention.wakeUpAfterRelease(newLocker(), newLocker(), key, threads);
        System.out.printf("%s: waiter acquired %d ms after the release%n", getClass().getSimpleName(), wokeAfterMillis);
        assertThat(wokeAfterMillis).as("woken by the release, long before the 30 s lease would end").isLessThan(3000);
    }
}
