package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What shared holds and permits keep on Redis, read from Redis itself: the lock key marks shared
 * holders until the last lease end, a waiting writer's mark and waiters-set entry are gone as soon
 * as it gives up, a refused permit count leaves nothing, and releases wake every waiting reader
 * (never their 30 s leases' end). And their leases as the exclusive lock's: kept alive, extended,
 * held at least a while.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisModesKeysTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "timeout", "2s"));

    /** Long, so a waiter not woken by a message would show as a wait of tens of seconds. */
    private static final Duration LONG_LEASE = Duration.ofSeconds(30);
    private static final LockOptions EXCLUSIVE = LockOptions.defaults().withLeaseTime(LONG_LEASE)
            .withWaitTime(Duration.ofSeconds(20));
    private static final LockOptions SHARED = EXCLUSIVE.withMode(LockMode.SHARED);

    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> redis;
    private String lockKey;

    @BeforeEach
    void connect() {
        client = RedisClient.create(REDIS.uri());
        connection = client.connect();
        redis = connection.sync();
        lockKey = RedisKeys.lockKeyOf(nodes.key());
    }

    @AfterEach
    void disconnect() {
        connection.close();
        client.shutdown();
    }

    @Test
    void theLockKeyMarksSharedHoldersUntilTheLastOneLeaves() {
        Lock first = nodes.newLocker().lock(nodes.key(), SHARED);
        Lock second = nodes.newLocker().lock(nodes.key(), SHARED.withLeaseTime(Duration.ofSeconds(5)));

        assertThat(redis.get(lockKey)).isEqualTo("shared");
        assertThat(redis.zcard(lockKey + ":readers")).isEqualTo(2);
        assertThat(redis.pttl(lockKey)).as("the lock key lives as long as the longest share")
                .isGreaterThan(Duration.ofSeconds(25).toMillis());
        assertThat(first.unlock()).isTrue();
        assertThat(redis.pttl(lockKey)).as("then as long as the one left").isBetween(1L, Duration.ofSeconds(5).toMillis());
        assertThat(second.unlock()).isTrue();

        assertThat(redis.exists(lockKey, lockKey + ":readers")).as("nothing left once the last reader left").isZero();
    }

    @Test
    void aWaitingWriterThatIsCancelledLeavesNoMarkAndNoWaiter() {
        Lock reader = nodes.newLocker().lock(nodes.key(), SHARED);
        CompletableFuture<Lock> writing = nodes.newLocker().lockAsync(nodes.key(), EXCLUSIVE).toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.zcard(lockKey + ":writers") == 1);
        assertThat(redis.scard(lockKey + ":waiters")).isEqualTo(1);

        writing.cancel(false);

        await().atMost(Duration.ofSeconds(2)).until(() -> redis.exists(lockKey + ":writers", lockKey + ":waiters") == 0);
        assertThat(reader.unlock()).isTrue();
    }

    @Test
    void aWriterWhoseWaitEndsLeavesNoMark() {
        Lock reader = nodes.newLocker().lock(nodes.key(), SHARED);

        assertThatThrownBy(() -> nodes.newLocker().lock(nodes.key(), EXCLUSIVE.withWaitTime(Duration.ofMillis(300))))
                .isInstanceOf(LockTimeoutException.class);

        await().atMost(Duration.ofSeconds(2)).until(() -> redis.exists(lockKey + ":writers", lockKey + ":waiters") == 0);
        assertThat(reader.unlock()).isTrue();
    }

    @Test
    void aReaderBehindAWriterThatGivesUpIsWokenAtOnce() throws Exception {
        Lock reader = nodes.newLocker().lock(nodes.key(), SHARED);
        CompletableFuture<Lock> writing = nodes.newLocker().lockAsync(nodes.key(), EXCLUSIVE).toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.zcard(lockKey + ":writers") == 1);
        CompletableFuture<Lock> reading = nodes.newLocker().lockAsync(nodes.key(), SHARED).toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.scard(lockKey + ":waiters") == 2);

        long gaveUpAt = System.nanoTime();
        writing.cancel(false);
        Lock read = reading.get(10, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - gaveUpAt))
                .as("woken by the writer giving up, not by the 30 s lease's end").isLessThan(3_000);
        assertThat(read.unlock()).isTrue();
        assertThat(reader.unlock()).isTrue();
    }

    @Test
    void everyWaitingReaderOnEveryNodeIsWokenByTheWritersRelease() throws Exception {
        Lock written = nodes.newLocker().lock(nodes.key(), EXCLUSIVE);
        List<Locker> readerNodes = List.of(nodes.newLocker(), nodes.newLocker());
        List<CompletableFuture<Lock>> reading = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            reading.add(readerNodes.get(i % 2).lockAsync(nodes.key(), SHARED).toCompletableFuture());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.scard(lockKey + ":waiters") == 6);

        long releasedAt = System.nanoTime();
        assertThat(written.unlock()).isTrue();
        CompletableFuture.allOf(reading.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt))
                .as("all six woken by the one release, not by the 30 s lease's end").isLessThan(3_000);
        assertThat(redis.zcard(lockKey + ":readers")).isEqualTo(6);
        assertThat(redis.exists(lockKey + ":waiters")).as("each left the waiters set as it got in").isZero();
        reading.forEach(lock -> assertThat(lock.join().unlock()).isTrue());
    }

    @Test
    void keptAliveSharesOutliveTheirLeaseWhileAWriterWaits() throws Exception {
        Duration lease = Duration.ofMillis(600);
        Lock reader = nodes.newLocker().lock(nodes.key(), SHARED.withLeaseTime(lease));
        CompletableFuture<Lock> writing = nodes.newLocker().lockAsync(nodes.key(), EXCLUSIVE).toCompletableFuture();

        Thread.sleep(lease.multipliedBy(4).toMillis());

        assertThat(reader.isHeld()).isTrue();
        assertThat(writing).as("the renewed share still keeps the writer out").isNotDone();
        assertThat(redis.get(lockKey)).isEqualTo("shared");
        assertThat(reader.unlock()).isTrue();
        assertThat(writing.get(5, TimeUnit.SECONDS).unlock()).isTrue();
    }

    @Test
    void extendMovesTheEndOfAShareAndOfAPermitWithoutKeepAlive() throws Exception {
        Duration lease = Duration.ofMillis(600);
        LockOptions fixed = LockOptions.defaults().withLeaseTime(lease).withKeepAlive(false);
        Lock share = nodes.newLocker().lock(nodes.key(), fixed.withMode(LockMode.SHARED));
        Lock permit = nodes.newLocker().lock(nodes.key(), fixed.withPermits(1));

        assertThat(share.extend(Duration.ofSeconds(5))).isTrue();
        assertThat(permit.extend(Duration.ofSeconds(5))).isTrue();
        Thread.sleep(lease.multipliedBy(2).toMillis());

        assertThat(share.isHeld()).isTrue();
        assertThat(permit.isHeld()).isTrue();
        assertThat(nodes.newLocker().tryLock(nodes.key())).as("the extended share keeps writers out").isEmpty();
        assertThat(nodes.newLocker().tryLock(nodes.key(), fixed.withPermits(1).withWaitTime(Duration.ZERO)))
                .as("the extended permit is still taken").isEmpty();
        assertThat(share.unlock()).isTrue();
        assertThat(permit.unlock()).isTrue();
    }

    @Test
    void aShareHeldAtLeastAWhileKeepsTheWriterOutUntilThen() {
        Duration atLeast = Duration.ofMillis(1_500);
        Lock reader = nodes.newLocker().lock(nodes.key(), SHARED.withHoldAtLeast(atLeast));
        long acquiredAt = System.nanoTime();
        reader.unlock();
        Locker writer = nodes.newLocker();
        assertThat(writer.tryLock(nodes.key())).as("still held after the early unlock").isEmpty();

        Lock written = writer.lock(nodes.key(), EXCLUSIVE.withWaitTime(Duration.ofSeconds(10)));

        assertThat(Duration.ofNanos(System.nanoTime() - acquiredAt)).isGreaterThanOrEqualTo(atLeast.minusMillis(100));
        assertThat(written.unlock()).isTrue();
    }

    @Test
    void aRefusedPermitCountLeavesNothingBehind() {
        String permits = lockKey + ":permits";
        Lock held = nodes.newLocker().lock(nodes.key(), LockOptions.defaults().withPermits(1));
        assertThat(redis.get(permits + ":count")).isEqualTo("1");

        assertThatThrownBy(() -> nodes.newLocker().lock(nodes.key(), EXCLUSIVE.withPermits(2)))
                .isInstanceOf(LockConflictException.class)
                .hasMessageContaining("withPermits(1)");

        assertThat(redis.zcard(permits)).as("the refused acquisition took no permit").isEqualTo(1);
        assertThat(redis.exists(permits + ":waiters")).as("nor waited").isZero();
        assertThat(held.unlock()).isTrue();
        assertThat(redis.exists(permits, permits + ":count")).as("nothing left once the last permit is back").isZero();
        assertThat(redis.exists(lockKey)).as("the lock of the same key was never touched").isZero();
    }
}
