package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.Locker;
import io.github.locker.tck.Contention;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisSentinelServer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

    private String key;

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }

    @Test
    void lockAndUnlockOnTheMasterTheSentinelNames() {
        Locker locker = nodes.newLocker();
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
        Locker holder = nodes.newLocker();
        Locker other = nodes.newLocker();
        Lock held = holder.lock(key);

        assertThat(other.tryLock(key)).isEmpty();

        assertThat(held.unlock()).isTrue();
        Optional<Lock> now = other.tryLock(key);
        assertThat(now).as("free once released").isPresent();
        assertThat(now.get().unlock()).isTrue();
    }

    @Test
    void fencingTokensStrictlyIncreaseAcrossBackends() {
        Locker first = nodes.newLocker();
        Locker second = nodes.newLocker();
        assertThat(Contention.tokensTakenInTurn(first, second, key, 10)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void waiterIsWokenByTheReleaseNotAtLeaseEnd() throws Exception {
        long wokeAfterMillis = Contention.wakeUpAfterRelease(nodes.newLocker(), nodes.newLocker(), key, nodes.threads());
        System.out.printf("%s: waiter acquired %d ms after the release%n", getClass().getSimpleName(), wokeAfterMillis);
        assertThat(wokeAfterMillis).as("woken by the release, long before the 30 s lease would end").isLessThan(3000);
    }
}
