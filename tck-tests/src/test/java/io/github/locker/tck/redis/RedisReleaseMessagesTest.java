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
 * for that lock: Redis keeps a set of a lock's waiters, added to in the same script as their failed
 * attempt. A lock nobody waits for is released silently; every waiter is still woken by a release,
 * never left to sleep until a lease ends; a waiter leaves the set however it stops waiting; and a
 * set that is lost is whole again after its waiters' next attempt.
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
        return RedisKeys.lockKeyOf(nodes.key()) + ":waiters";
    }

    /** @return how many waiters Redis has for the test's lock */
    private long waiting() {
        return commands.sync().scard(waitersKey());
    }

    /** @return a waiter on {@code node}, asking now: the milliseconds until it held the lock */
    private Future<Long> waiter(Locker node, LockOptions options) {
        return nodes.threads().submit(() -> {
            long start = System.nanoTime();
            try (Lock lock = node.lock(nodes.key(), options)) {
                TimeUnit.MILLISECONDS.sleep(20);
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            }
        });
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
        assertThat(waiting()).isZero();
    }

    @Test
    void aWaitedForLockIsReleasedWithAMessageAndTheWaiterLeavesTheSet() throws Exception {
        Locker holder = nodes.newLocker();
        Locker waiter = nodes.newLocker();
        Lock held = holder.lock(nodes.key(), LONG_LEASE);
        Future<Lock> waiting = nodes.threads().submit(() -> waiter.lock(nodes.key(), LONG_LEASE));
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 1);

        long releasedAt = System.nanoTime();
        held.unlock();
        Lock taken = waiting.get(5, TimeUnit.SECONDS);
        long wokenAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);

        await().atMost(Duration.ofSeconds(2)).until(() -> messages.get() == 1);
        assertThat(wokenAfterMillis).as("woken by the message, not at the end of the 30 s lease").isLessThan(3000);
        assertThat(waiting()).as("the waiter that acquired left the set").isZero();
        taken.unlock();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> messages.get() == 1);
    }

    @Test
    void aWaiterThatGivesUpLeavesTheSet() {
        Locker holder = nodes.newLocker();
        Lock held = holder.lock(nodes.key(), LONG_LEASE);

        assertThatThrownBy(() -> nodes.newLocker().lock(nodes.key(), LONG_LEASE.withWaitTime(Duration.ofMillis(300))))
                .isInstanceOf(LockTimeoutException.class);

        await().atMost(Duration.ofSeconds(2)).until(() -> waiting() == 0);
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
            waiters.add(waiter(nodesOfWaiters.get(i % 2), LONG_LEASE));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 8);

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
        assertThat(waiting()).isZero();
    }

    @Test
    void aWaiterThatGivesUpOrIsInterruptedLeavesTheOthersWaitingAndWokenByTheRelease() throws Exception {
        Locker node = nodes.newLocker();
        Lock held = nodes.newLocker().lock(nodes.key(), LONG_LEASE);
        Future<Long> patient = waiter(node, LONG_LEASE);
        Future<Long> interrupted = waiter(node, LONG_LEASE);
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 2);

        assertThatThrownBy(() -> node.lock(nodes.key(), LONG_LEASE.withWaitTime(Duration.ofMillis(300))))
                .isInstanceOf(LockTimeoutException.class);
        interrupted.cancel(true);
        await().atMost(Duration.ofSeconds(2)).until(() -> waiting() == 1);

        held.unlock();
        assertThat(patient.get(5, TimeUnit.SECONDS)).as("woken by the release, not at the 30 s lease's end").isLessThan(5_000);
    }

    @Test
    void aWaitersSetLostWhileTheySleepIsWholeAgainAfterTheirNextAttempt() throws Exception {
        // Deleted (or evicted, or expired after a long stall) while three waiters sleep: they sleep
        // until the holder's 2 s lease would end, try again, and from then on every release wakes one.
        Locker node = nodes.newLocker();
        Lock held = nodes.newLocker().lock(nodes.key(), LockOptions.defaults().withLeaseTime(Duration.ofSeconds(2)));
        List<Future<Long>> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(waiter(node, LONG_LEASE));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> waiting() == 3);
        commands.sync().del(waitersKey());

        long start = System.nanoTime();
        held.unlock();
        for (Future<Long> waiter : waiters) {
            waiter.get(20, TimeUnit.SECONDS);
        }
        long allServedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("RedisReleaseMessagesTest: 3 waiters served %d ms after their set was lost%n", allServedMillis);
        assertThat(allServedMillis).as("one 2 s lease end, then hand-offs woken by releases, not by 30 s leases")
                .isLessThan(10_000);
        assertThat(waiting()).isZero();
    }
}
