package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisClusterServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Cluster with {@code sharded-pubsub=false}: each backend hears releases through one plain
 * subscription to {@code locker:released} on one node, which the Cluster bus feeds from every
 * node. When that node is killed (its replica, if it is a master, takes over), the subscription
 * must move to a node that runs, or the backend's waiters would sleep to their holders' lease ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisClusterPlainPubSubFailoverTest {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer(1);

    @RegisterExtension
    final Nodes nodes = new Nodes("redis", () -> new RedisClusterTckBackend(CLUSTER).plainPubSubSection());

    private static final String CHANNEL = "locker:released";
    private static final LockOptions LONG_LEASE = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
            .withWaitTime(Duration.ofSeconds(60));
    private static final int HAND_OFFS = 5;
    /** Redis's own failure detection (1 s node timeout) and election, then the driver's reconnection. */
    private static final Duration FOLLOW_TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aWaiterIsWokenByTheReleaseAfterTheNodeOfItsSubscriptionWasKilled() throws Exception {
        Locker waiter = nodes.newLocker();
        CLUSTER.awaitUntil(Duration.ofSeconds(5), () -> subscribersOnRunningNodes() == 1, "the waiter's subscription");
        ServerProcess listening = CLUSTER.nodes().stream().filter(node -> CLUSTER.subscribers(node, CHANNEL) == 1)
                .findFirst().orElseThrow();
        // the holder's lock is on another node: this test is about the subscription, not the lock's slot
        String key = keyServedElsewhere(listening);
        Locker holder = nodes.newLocker();
        Lock held = holder.lock(key, LONG_LEASE);
        CompletableFuture<Lock> waiting = waiter.lockAsync(key, LONG_LEASE).toCompletableFuture();
        ServerProcess keyNode = CLUSTER.nodeServing(RedisKeys.lockKeyOf(key));
        awaitTheWaiter(keyNode, key);
        List<ServerProcess> replicas = CLUSTER.isReplica(listening) ? List.of() : CLUSTER.replicasOf(listening);

        long killedAt = System.nanoTime();
        listening.kill();
        for (ServerProcess replica : replicas) {
            CLUSTER.awaitUntil(FOLLOW_TIMEOUT, () -> !CLUSTER.isReplica(replica), "the killed master's replica to take over");
        }
        CLUSTER.awaitUntil(FOLLOW_TIMEOUT, () -> subscribersOnRunningNodes() == 2,
                "both backends' subscriptions on nodes that run (the waiter's was on the killed 127.0.0.1:" + listening.port() + ")");
        long followedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        assertThat(waiting).isNotDone();

        // Several hand-offs, each quick: a waiter also tries again whenever one of its backend's connections
        // (re)connects, as the slot-map reads' do, so one quick wake-up alone might not be the message's.
        List<Long> wokenMillis = new ArrayList<>();
        for (int round = 0; round < HAND_OFFS; round++) {
            if (round > 0) {
                held = holder.lock(key, LONG_LEASE);
                waiting = waiter.lockAsync(key, LONG_LEASE).toCompletableFuture();
                awaitTheWaiter(keyNode, key);
            }
            long releasedAt = System.nanoTime();
            assertThat(held.unlock()).isTrue();
            Lock taken = waiting.get(10, TimeUnit.SECONDS);
            wokenMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt));
            assertThat(taken.unlock()).isTrue();
        }
        System.out.printf("%s: killed %s 127.0.0.1:%d; subscriptions on running nodes after %d ms; the waiter acquired "
                + "%s ms after each release%n", getClass().getSimpleName(), replicas.isEmpty() ? "replica" : "master",
                listening.port(), followedMillis, wokenMillis);
        assertThat(wokenMillis).as("woken by each release, not at the 30 s lease end").allMatch(millis -> millis < 500);
    }

    /** Waits until Redis has the waiter in the key's waiters set, so the next release announces. */
    private static void awaitTheWaiter(ServerProcess keyNode, String key) {
        CLUSTER.awaitUntil(Duration.ofSeconds(5),
                () -> CLUSTER.cli(keyNode, "scard", RedisKeys.lockKeyOf(key) + ":waiters").equals("1"), "the waiter to wait");
    }

    private static int subscribersOnRunningNodes() {
        return CLUSTER.nodes().stream().filter(ServerProcess::isRunning).mapToInt(node -> CLUSTER.subscribers(node, CHANNEL)).sum();
    }

    private String keyServedElsewhere(ServerProcess node) {
        for (int i = 0; ; i++) {
            String key = nodes.key() + ":" + i;
            ServerProcess serving = CLUSTER.nodeServing(RedisKeys.lockKeyOf(key));
            if (serving != node && !CLUSTER.replicasOf(serving).contains(node)) {
                return key;
            }
        }
    }
}
