package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A release publishes a message, which reaches every node's subscription, only while someone waits
 * for that lock: Redis counts a lock's waiters in the same script as their failed attempt. A lock
 * nobody waits for is released silently; every waiter is still woken by a release, never left to
 * sleep until a lease ends; and the count goes when its waiters do.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisReleaseMessagesTest {
    @RegisterExtension
    static final RedisServer REDIS = new RedisServer();
    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> Map.of("uri", REDIS.uri(), "timeout", "2s"));

    /** Long, so a waiter not woken by a release would show as a wait of tens of seconds. */
    private static final LockOptions LONG_LEASE = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
            .withWaitTime(Duration.ofSeconds(20));

    private RedisClient client;
    private StatefulRedisPubSubConnection<String, String> subscription;
    private StatefulRedisConnection<String, String> commands;
    private final AtomicInteger messages = new AtomicInteger();

    @BeforeEach
    void listenToReleases() {
        client = RedisClient.create(REDIS.uri());
        commands = client.connect();
        subscription = client.connectPubSub();
        subscription.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String lockKey) {
                if (lockKey.contains(nodes.key())) {
                    messages.incrementAndGet();
                }
            }
        });
        subscription.sync().subscribe("locker:released");
    }

    @AfterEach
    void stopListening() {
        subscription.close();
        commands.close();
        client.shutdown();
    }

    private String waitersKey() {
        return Nodes.PREFIX + "{" + nodes.key() + "}:waiters";
    }

    @Test
    void aLockNobodyWaitsForIsReleasedWithoutAMessage() {
        Locker locker = nodes.newLocker();
        for (int i = 0; i < 50; i++) {
            locker.lock(nodes.key()).unlock();
            assertThat(locker.tryLock(nodes.key())).isPresent().get().satisfies(Lock::unlock);
        }
        // a message would arrive within milliseconds; the waiter case below proves the listener hears them
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> messages.get() == 0);
        assertThat(commands.sync().exists(waitersKey())).isZero();
    }

    @Test
    void aWaitedForLockIsReleasedWithAMessageAndTheCountGoesWithTheWaiter() throws Exception {
        Locker holder = nodes.newLocker();
        Locker waiter = nodes.newLocker();
        Lock held = holder.lock(nodes.key(), LONG_LEASE);
        Future<Lock> waiting = nodes.threads().submit(() -> waiter.lock(nodes.key(), LONG_LEASE));
        await().atMost(Duration.ofSeconds(5)).until(() -> "1".equals(commands.sync().get(waitersKey())));

        long releasedAt = System.nanoTime();
        held.unlock();
        Lock taken = waiting.get(5, TimeUnit.SECONDS);
        long wokenAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);

        await().atMost(Duration.ofSeconds(2)).until(() -> messages.get() == 1);
        assertThat(wokenAfterMillis).as("woken by the message, not at the end of the 30 s lease").isLessThan(3000);
        assertThat(commands.sync().exists(waitersKey())).as("the waiter that acquired is uncounted").isZero();
        taken.unlock();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> messages.get() == 1);
    }

    @Test
    void aWaiterThatGivesUpIsUncounted() {
        Locker holder = nodes.newLocker();
        Lock held = holder.lock(nodes.key(), LONG_LEASE);

        assertThatThrownBy(() -> nodes.newLocker().lock(nodes.key(), LONG_LEASE.withWaitTime(Duration.ofMillis(300))))
                .isInstanceOf(LockTimeoutException.class);

        await().atMost(Duration.ofSeconds(2)).until(() -> commands.sync().exists(waitersKey()) == 0);
        held.unlock();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> messages.get() == 0);
    }

    @Test
    void manyWaitersOnOneNodeAndAnotherAreEachWokenByAReleaseNeverByALeaseEnd() throws Exception {
        // One release wakes one waiter per node: the others must stay counted, or a later release
        // would find nobody counted and they would sleep until the 30 s lease ended.
        List<Locker> nodesOfWaiters = List.of(nodes.newLocker(), nodes.newLocker());
        Lock first = nodes.newLocker().lock(nodes.key(), LONG_LEASE);
        List<Future<Long>> waiters = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Locker node = nodesOfWaiters.get(i % 2);
            waiters.add(nodes.threads().submit(() -> {
                long start = System.nanoTime();
                try (Lock lock = node.lock(nodes.key(), LONG_LEASE)) {
                    TimeUnit.MILLISECONDS.sleep(20);
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
            }));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> "8".equals(commands.sync().get(waitersKey())));

        long start = System.nanoTime();
        first.unlock();
        for (Future<Long> waiter : waiters) {
            waiter.get(20, TimeUnit.SECONDS);
        }
        long allServedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("RedisReleaseMessagesTest: 8 waiters on 2 nodes served one after another in %d ms%n",
                allServedMillis);
        assertThat(allServedMillis).as("eight hand-offs of a 30 s lease, each woken by a release").isLessThan(10_000);
        assertThat(messages.get()).as("a message per release that had a waiter").isEqualTo(8);
        assertThat(commands.sync().exists(waitersKey())).isZero();
    }
}
