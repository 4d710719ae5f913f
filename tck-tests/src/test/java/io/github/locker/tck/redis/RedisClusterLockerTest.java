package io.github.locker.tck.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockTimeoutException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import io.github.locker.tck.Contention;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.RedisClusterServer;
import io.github.locker.tck.servers.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Redis driver on a real three-master Redis Cluster: each lock lives on the node serving its
 * key's slot, the fence key next to it ({@link RedisClusterShardedReleasesTest}: how releases reach waiters).
 * Not the whole {@link io.github.locker.tck.LockerContract}: its fault tests stop "the" server,
 * and a cluster without replicas does not survive losing a master.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisClusterLockerTest {
    @RegisterExtension
    static final RedisClusterServer CLUSTER = new RedisClusterServer();

    @RegisterExtension
    final Nodes nodes = new Nodes(new RedisClusterTckBackend(CLUSTER));

    private static final String PREFIX = Nodes.PREFIX;

    private String key;

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }

    /** The key the driver stores a lock under: {@code <prefix>{<key>}}. */
    private static String lockKeyOf(String key) {
        return PREFIX + "{" + key + "}";
    }

    @Test
    void lockAllTakesKeysOfDifferentSlotsAllOrNone() {
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        // enough keys that they spread over the three shards' slots
        List<String> keys = IntStream.range(0, 12).mapToObj(i -> key + ":" + i).toList();
        try (MultiLock all = locker.lockAll(keys, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)))) {
            assertThat(all.locks()).hasSize(12).allMatch(Lock::isHeld);
            assertThat(keys).allSatisfy(one -> assertThat(other.tryLock(one)).as(one).isEmpty());
        }
        Lock held = other.lock(key + ":7");
        assertThatThrownBy(() -> locker.lockAll(keys, LockOptions.defaults().withWaitTime(Duration.ofMillis(300))))
                .isInstanceOf(LockTimeoutException.class);
        assertThat(other.tryLock(key + ":0")).as("released after the failure").isPresent().get().satisfies(Lock::unlock);
        held.unlock();
    }

    @Test
    void onlyOneHolderAtATimeAcrossTwoBackendsAndEightThreadsEach() throws Exception {
        int iterations = 100;
        Contention.Result run = Contention.run(List.of(nodes.newLocker(), nodes.newLocker()), 8, iterations, key, nodes.threads(),
                Duration.ofSeconds(25));
        int total = 2 * 8 * iterations;
        System.out.printf("%s: %d acquisitions of one key in %d ms%n", getClass().getSimpleName(), total, run.millis());
        assertThat(run.mostHoldersAtOnce()).isEqualTo(1);
        assertThat(run.increments()).as("increments made under the lock").isEqualTo(total);
        assertThat(run.tokensInOrder()).as("fencing tokens in the order the lock was taken")
                .hasSize(total).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void keysOnEveryNodeLockAndUnlock() {
        Locker holder = nodes.newLocker();
        Locker other = nodes.newLocker();
        // Fixed names (the cluster is new for this class), so which node serves each key is the same every run.
        Map<String, ServerProcess> nodeOfKey = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            String spreadKey = "spread:" + i;
            nodeOfKey.put(spreadKey, CLUSTER.nodeServing(lockKeyOf(spreadKey)));
        }
        assertThat(new HashSet<>(nodeOfKey.values())).as("the 30 keys are served by all three nodes")
                .containsExactlyInAnyOrderElementsOf(CLUSTER.nodes());

        List<Lock> held = new ArrayList<>();
        for (String spreadKey : nodeOfKey.keySet()) {
            Lock lock = holder.lock(spreadKey);
            held.add(lock);
            assertThat(lock.fencingToken()).as("the first lock of '%s'", spreadKey).isEqualTo(1L);
            assertThat(other.tryLock(spreadKey)).as("'%s' is held", spreadKey).isEmpty();
            ServerProcess node = nodeOfKey.get(spreadKey);
            // Ask the node itself: the lock and its fence are stored where the cluster says the key belongs.
            assertThat(CLUSTER.cli(node, "exists", lockKeyOf(spreadKey), lockKeyOf(spreadKey) + ":fence"))
                    .as("lock and fence key of '%s' on 127.0.0.1:%d", spreadKey, node.port()).isEqualTo("2");
        }

        for (Lock lock : held) {
            assertThat(lock.unlock()).as("unlock of '%s'", lock.key()).isTrue();
            ServerProcess node = nodeOfKey.get(lock.key());
            assertThat(CLUSTER.cli(node, "exists", lockKeyOf(lock.key()))).as("'%s' deleted", lock.key())
                    .isEqualTo("0");
        }
        for (String spreadKey : nodeOfKey.keySet()) {
            try (Lock again = other.tryLock(spreadKey).orElseThrow()) {
                assertThat(again.fencingToken()).as("the second lock of '%s'", spreadKey).isEqualTo(2L);
            }
        }
    }

    @Test
    void unlockAfterExpiryDeletesNothingOfTheNewOwner() {
        Locker holder = nodes.newLocker();
        Locker other = nodes.newLocker();
        Duration shortLease = Duration.ofMillis(400);
        Lock expired = holder.lock(key, LockOptions.defaults().withLeaseTime(shortLease).withKeepAlive(false));
        Lock current = other.lock(key, LockOptions.defaults().withWaitTime(shortLease.multipliedBy(10)));

        assertThat(expired.isHeld()).isFalse();
        assertThat(current.fencingToken()).isGreaterThan(expired.fencingToken());
        assertThat(expired.unlock()).as("the expired holder no longer owned it").isFalse();

        assertThat(current.isHeld()).isTrue();
        assertThat(nodes.newLocker().tryLock(key)).as("the new owner's lock survived").isEmpty();
        assertThat(current.unlock()).isTrue();
    }

    @Test
    void keysWithBracesStayInOneSlotAndDistinct() {
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        List<Lock> held = new ArrayList<>();
        for (String braced : List.of("}" + key, "{" + key + "}", key + "}{", "%7B" + key, "{" + key)) {
            Lock lock = locker.lock(braced, LockOptions.defaults().withWaitTime(Duration.ZERO));
            assertThat(lock.fencingToken()).as("a distinct lock for %s", braced).isEqualTo(1);
            assertThat(other.tryLock(braced)).as(braced).isEmpty();
            held.add(lock);
        }
        held.forEach(lock -> assertThat(lock.unlock()).isTrue());
    }
}
