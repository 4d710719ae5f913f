package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.Contention;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisClusterServer;
import io.github.locker.tck.servers.ServerProcess;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Releases on a Redis 7 Cluster travel by sharded pub/sub: a release with a waiter is
 * {@code SPUBLISH}ed on its key's channel {@code locker:released:{<key>}}, which only the key's shard
 * hears, and a backend subscribes to that channel, on the key's node, only while it has a waiter
 * for the key. With {@code sharded-pubsub=false} (and on Redis before 7) releases {@code PUBLISH}
 * on {@code locker:released}, which the cluster bus carries to every node.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisClusterShardedReleasesTest {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer();

    @RegisterExtension
    final Nodes nodes = new Nodes(new RedisClusterTckBackend(CLUSTER));
    @RegisterExtension
    final Nodes plainNodes = new Nodes("redis", () -> new RedisClusterTckBackend(CLUSTER).plainPubSubSection());
    /** Reads the slot map again every 100 ms: each read opens and closes connections of the client's own. */
    @RegisterExtension
    final Nodes oftenRefreshed = new Nodes("redis", () -> {
        Map<String, String> section = new HashMap<>(new RedisClusterTckBackend(CLUSTER).section());
        section.put("topology-refresh", "100ms");
        return section;
    });

    /** Long, so a waiter woken by its holder's lease end rather than the release shows. */
    private static final LockOptions LONG_LEASE = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
            .withWaitTime(Duration.ofSeconds(25));
    private static final int RELEASES = 100;

    private RedisClusterClient client;
    private StatefulRedisClusterConnection<String, String> commands;

    @BeforeEach
    void connect() {
        client = RedisClusterClient.create(CLUSTER.nodes().stream().map(node -> "redis://127.0.0.1:" + node.port())
                .map(io.lettuce.core.RedisURI::create).toList());
        commands = client.connect();
    }

    @AfterEach
    void disconnect() {
        commands.close();
        client.shutdown();
    }

    /** @return how many clients the node has subscribed to the key's sharded channel */
    private static int shardSubscribers(ServerProcess node, String key) {
        return CLUSTER.shardSubscribers(node, RedisKeys.releaseChannelOf(key));
    }

    /** @return the waiter, once Redis has it in the key's waiters set */
    private CompletableFuture<Lock> waiting(Locker waiter, String key) {
        CompletableFuture<Lock> waiting = waiter.lockAsync(key, LONG_LEASE).toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                .until(() -> commands.sync().scard(RedisKeys.lockKeyOf(key) + ":waiters") == 1);
        return waiting;
    }

    @Test
    void aBackendSubscribesToAKeysShardChannelOnlyWhileItWaitsForTheKey() throws Exception {
        String key = nodes.key();
        ServerProcess node = CLUSTER.nodeServing(RedisKeys.lockKeyOf(key));
        Locker holder = nodes.newLocker();
        Locker waiter = nodes.newLocker();
        for (int i = 0; i < 5; i++) {
            waiter.lock(key).unlock();
        }
        assertThat(shardSubscribers(node, key)).as("uncontended acquisitions subscribe to nothing").isZero();

        Lock held = holder.lock(key, LONG_LEASE);
        CompletableFuture<Lock> waiting = waiting(waiter, key);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(node, key) == 1);
        for (ServerProcess other : CLUSTER.nodes()) {
            if (other != node) {
                assertThat(shardSubscribers(other, key)).as("subscribed on 127.0.0.1:%d only", node.port()).isZero();
            }
        }

        long releasedAt = System.nanoTime();
        held.unlock();
        Lock taken = waiting.get(5, TimeUnit.SECONDS);
        long wokenAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);
        assertThat(wokenAfterMillis).as("woken by the sharded message, not at the 30 s lease end").isLessThan(3000);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(node, key) == 0);
        taken.unlock();
    }

    @Test
    void readingTheSlotMapAgainNeitherWakesAWaiterNorSubscribesAgain() throws Exception {
        String key = oftenRefreshed.key();
        ServerProcess node = CLUSTER.nodeServing(RedisKeys.lockKeyOf(key));
        Lock held = oftenRefreshed.newLocker().lock(key, LONG_LEASE);
        CompletableFuture<Lock> waiting = waiting(oftenRefreshed.newLocker(), key);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(node, key) == 1);
        Thread.sleep(500); // the attempt after the subscription's confirmation
        CLUSTER.cli(node, "config", "resetstat");

        Thread.sleep(2000); // some twenty slot-map reads
        String stats = CLUSTER.cli(node, "info", "commandstats");

        assertThat(stats).as("no attempt (EVALSHA) and no SSUBSCRIBE while the lock stays held, on 127.0.0.1:%d",
                node.port()).doesNotContain("cmdstat_evalsha").doesNotContain("cmdstat_ssubscribe");
        assertThat(waiting).isNotDone();
        held.unlock();
        waiting.get(5, TimeUnit.SECONDS).unlock();
    }

    @Test
    void manyWaitersOnTwoBackendsShareOneSubscriptionEachAndAreAllWokenByReleases() throws Exception {
        String key = nodes.key();
        ServerProcess node = CLUSTER.nodeServing(RedisKeys.lockKeyOf(key));
        List<Locker> waiters = List.of(nodes.newLocker(), nodes.newLocker());
        Lock first = nodes.newLocker().lock(key, LONG_LEASE);
        List<CompletableFuture<Void>> served = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Locker waiter = waiters.get(i % 2);
            served.add(waiter.lockAsync(key, LONG_LEASE).toCompletableFuture().thenAccept(Lock::unlock));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> commands.sync().scard(RedisKeys.lockKeyOf(key) + ":waiters") == 8);
        assertThat(shardSubscribers(node, key)).as("one subscription per backend").isEqualTo(2);

        long start = System.nanoTime();
        first.unlock();
        CompletableFuture.allOf(served.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        long allServedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("%s: 8 waiters on 2 backends served one after another in %d ms%n", getClass().getSimpleName(),
                allServedMillis);
        assertThat(allServedMillis).as("eight hand-offs of a 30 s lease, each woken by a release").isLessThan(10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(node, key) == 0);
    }

    @Test
    void waiterIsWokenByTheReleaseWhicheverNodeServesTheKey() throws Exception {
        // With plain pub/sub each backend subscribes to the release channel on one node; in a Cluster,
        // PUBSUB NUMSUB counts only the node's own subscribers. With two backends and three nodes, at
        // least one node has none: a release there reaches the waiter only if the Cluster forwards it.
        Locker plainHolder = plainNodes.newLocker();
        Locker plainWaiter = plainNodes.newLocker();
        Set<Integer> withoutSubscribers = new HashSet<>();
        for (ServerProcess node : CLUSTER.nodes()) {
            String[] numsub = CLUSTER.cli(node, "pubsub", "numsub", "locker:released").split("\\R");
            if (Integer.parseInt(numsub[numsub.length - 1].trim()) == 0) {
                withoutSubscribers.add(node.port());
            }
        }
        assertThat(withoutSubscribers).as("nodes no backend subscribed on").isNotEmpty();
        wakeUpOnEveryNode(plainHolder, plainWaiter, "plain pub/sub", node -> withoutSubscribers.contains(node.port())
                ? "no subscriber on this node" : "a subscriber on this node");
        // With sharded pub/sub (the default on Redis 7) the waiter's backend subscribes on the key's node.
        wakeUpOnEveryNode(nodes.newLocker(), nodes.newLocker(), "sharded pub/sub", node -> "the key's shard");
    }

    /** One key per node, so a release happens on each: the waiter must be woken by it every time. */
    private void wakeUpOnEveryNode(Locker holder, Locker waiter, String how, Function<ServerProcess, String> subscribers)
            throws Exception {
        Duration lease = Contention.WAKE_UP_LEASE;
        Set<ServerProcess> covered = new HashSet<>();
        for (int i = 0; covered.size() < CLUSTER.nodes().size(); i++) {
            String wakeKey = nodes.key() + ":" + how + ":" + i;
            ServerProcess node = CLUSTER.nodeServing(RedisKeys.lockKeyOf(wakeKey));
            if (!covered.add(node)) {
                continue;
            }
            long wokeAfterMillis = Contention.wakeUpAfterRelease(holder, waiter, wakeKey, nodes.threads());

            System.out.printf("%s: %s, key on 127.0.0.1:%d (%s), waiter acquired %d ms after the release%n",
                    getClass().getSimpleName(), how, node.port(), subscribers.apply(node), wokeAfterMillis);
            assertThat(wokeAfterMillis).as("%s: woken by the release on 127.0.0.1:%d, long before the %s lease would end",
                    how, node.port(), lease).isLessThan(lease.toMillis() / 10);
        }
    }

    @Test
    void aWaiterIsWokenByTheReleaseAfterItsKeysSlotMovedToAnotherNode() throws Exception {
        String key = nodes.key();
        String lockKey = RedisKeys.lockKeyOf(key);
        ServerProcess source = CLUSTER.nodeServing(lockKey);
        ServerProcess target = CLUSTER.nodes().stream().filter(node -> node != source).findFirst().orElseThrow();
        Locker holder = nodes.newLocker();
        Locker waiter = nodes.newLocker();
        Lock held = holder.lock(key, LONG_LEASE);
        CompletableFuture<Lock> waiting = waiting(waiter, key);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(source, key) == 1);

        moveSlot(CLUSTER.cli(source, "cluster", "keyslot", lockKey), source, target);
        assertThat(CLUSTER.nodeServing(lockKey)).isEqualTo(target);
        await().atMost(Duration.ofSeconds(10)).until(() -> shardSubscribers(target, key) == 1);
        assertThat(waiting).as("still waiting: the holder holds it on the new node").isNotDone();

        long releasedAt = System.nanoTime();
        assertThat(held.unlock()).as("released on the slot's new node").isTrue();
        Lock taken = waiting.get(10, TimeUnit.SECONDS);
        long wokenAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);
        System.out.printf("%s: slot moved from 127.0.0.1:%d to 127.0.0.1:%d; waiter acquired %d ms after the release%n",
                getClass().getSimpleName(), source.port(), target.port(), wokenAfterMillis);
        assertThat(wokenAfterMillis).as("woken by the release on the new node, not at the 30 s lease end").isLessThan(3000);
        await().atMost(Duration.ofSeconds(5)).until(() -> shardSubscribers(target, key) == 0);
        assertThat(shardSubscribers(source, key)).isZero();
        assertThat(taken.unlock()).isTrue();
    }

    /** Moves one slot and its keys the way {@code redis-cli --cluster reshard} does, step by step. */
    private static void moveSlot(String slot, ServerProcess source, ServerProcess target) {
        String sourceId = CLUSTER.cli(source, "cluster", "myid");
        String targetId = CLUSTER.cli(target, "cluster", "myid");
        assertThat(CLUSTER.cli(target, "cluster", "setslot", slot, "importing", sourceId)).isEqualTo("OK");
        assertThat(CLUSTER.cli(source, "cluster", "setslot", slot, "migrating", targetId)).isEqualTo("OK");
        String[] keys = CLUSTER.cli(source, "cluster", "getkeysinslot", slot, "1000").split("\\R");
        List<String> migrate = new ArrayList<>(List.of("migrate", "127.0.0.1", Integer.toString(target.port()), "", "0",
                "5000", "KEYS"));
        migrate.addAll(List.of(keys));
        assertThat(CLUSTER.cli(source, migrate.toArray(String[]::new))).isEqualTo("OK");
        for (ServerProcess node : List.of(target, source)) {
            assertThat(CLUSTER.cli(node, "cluster", "setslot", slot, "node", targetId)).isEqualTo("OK");
        }
        for (ServerProcess node : CLUSTER.nodes()) {
            if (node != source && node != target) {
                CLUSTER.cli(node, "cluster", "setslot", slot, "node", targetId);
            }
        }
    }

    @Test
    void releasesWithWaitersCrossTheClusterBusOnlyWithPlainPubSub() throws Exception {
        Map<ServerProcess, Map<String, Long>> plain = busMessagesDuring(plainNodes, "plain");
        Map<ServerProcess, Map<String, Long>> sharded = busMessagesDuring(nodes, "sharded");
        for (String name : List.of("plain", "sharded")) {
            Map<ServerProcess, Map<String, Long>> counts = name.equals("plain") ? plain : sharded;
            System.out.printf("%s: %d releases with a waiter, keys on every node, %s pub/sub; cluster bus messages per node:%n",
                    getClass().getSimpleName(), RELEASES, name);
            counts.forEach((node, count) -> System.out.printf("  127.0.0.1:%d %s%n", node.port(), count));
        }
        long plainReceived = plain.values().stream().mapToLong(count -> count.get("publish_received")).sum();
        assertThat(plainReceived).as("every plain release goes to the two other nodes").isGreaterThanOrEqualTo(2L * RELEASES);
        assertThat(sharded.values()).as("no release crosses the bus: the shards have no replicas to tell")
                .allSatisfy(count -> assertThat(count.values()).containsOnly(0L));
    }

    /**
     * @return per node, how many publish and publishshard messages it sent and received on the
     *     cluster bus while {@value #RELEASES} locks, on keys spread over the nodes, were each released
     *     to a waiter on another backend
     */
    private Map<ServerProcess, Map<String, Long>> busMessagesDuring(Nodes backends, String name) throws Exception {
        Locker holder = backends.newLocker();
        Locker waiter = backends.newLocker();
        Map<ServerProcess, Map<String, Long>> before = busCounters();
        for (int i = 0; i < RELEASES; i++) {
            String key = backends.key() + ":" + name + ":" + i;
            Lock held = holder.lock(key, LONG_LEASE);
            CompletableFuture<Lock> waiting = waiting(waiter, key);
            held.unlock();
            waiting.get(5, TimeUnit.SECONDS).unlock(); // nobody waits: no message
        }
        // a waiter may be woken by its node before the bus carries that release to the others: wait until the counts settle
        Map<ServerProcess, Map<String, Long>> after = busCounters();
        for (long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); System.nanoTime() < settleBy; ) {
            TimeUnit.MILLISECONDS.sleep(200);
            Map<ServerProcess, Map<String, Long>> later = busCounters();
            if (later.equals(after)) {
                break;
            }
            after = later;
        }
        Map<ServerProcess, Map<String, Long>> during = new LinkedHashMap<>();
        after.forEach((node, counts) -> during.put(node, counts.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, count -> count.getValue() - before.get(node).get(count.getKey()), (a, b) -> a,
                LinkedHashMap::new))));
        return during;
    }

    /** @return each node's {@code cluster_stats_messages_publish*} counters, by their names without that prefix */
    private static Map<ServerProcess, Map<String, Long>> busCounters() {
        Map<ServerProcess, Map<String, Long>> counters = new LinkedHashMap<>();
        for (ServerProcess node : CLUSTER.nodes()) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String name : List.of("publish_sent", "publish_received", "publishshard_sent", "publishshard_received")) {
                counts.put(name, 0L);
            }
            // a counter never incremented is not listed at all
            CLUSTER.cli(node, "cluster", "info").lines().filter(line -> line.startsWith("cluster_stats_messages_publish"))
                    .forEach(line -> counts.put(line.substring("cluster_stats_messages_".length(), line.indexOf(':')),
                            Long.parseLong(line.substring(line.indexOf(':') + 1).trim())));
            counters.put(node, counts);
        }
        return counters;
    }

    @Test
    void eachBackendSaysOnceHowItsReleasesTravel() {
        Logger logger = Logger.getLogger("io.github.locker.redis.ShardedReleases");
        Map<String, Integer> said = new HashMap<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                said.merge(java.text.MessageFormat.format(record.getMessage(), record.getParameters()), 1, Integer::sum);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            Locker sharded = nodes.newLocker();
            Locker plain = plainNodes.newLocker();
            sharded.lock(nodes.key()).unlock();
            plain.lock(nodes.key()).unlock();
        } finally {
            logger.removeHandler(handler);
        }
        assertThat(said).hasSize(2).allSatisfy((message, times) -> assertThat(times).as(message).isEqualTo(1));
        assertThat(said.keySet()).anySatisfy(message -> assertThat(message).contains("SPUBLISH on the key's shard only"))
                .anySatisfy(message -> assertThat(message).contains("PUBLISH, which the Cluster sends to every node")
                        .contains("tck.sharded-pubsub is false"));
    }
}
