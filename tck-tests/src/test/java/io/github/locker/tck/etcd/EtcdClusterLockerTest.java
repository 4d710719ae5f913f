package io.github.locker.tck.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.github.locker.Lock;
import io.github.locker.LockBackendException;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.servers.EtcdMember;
import io.github.locker.tck.servers.EtcdServer;
import java.util.stream.Collectors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import io.github.locker.spi.LockerDriver;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.BackendConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The etcd driver on a three-member etcd cluster losing its leader: lockers connect with all three
 * endpoints, the remaining two elect a new leader, and the lock stays exclusive throughout.
 * Acquisitions that fail while there is no leader end in {@link LockBackendException} (allowed,
 * counted and printed); contention must resume once a leader is back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdClusterLockerTest {
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer(3);

    @RegisterExtension
    final Nodes nodes = new Nodes("etcd", () -> Map.of("endpoints", ETCD.endpoints(), "timeout", "2s"));

    private static final String PREFIX = Nodes.PREFIX;
    private static final int NODES = 2;
    private static final int THREADS_PER_NODE = 4;
    /** How long the contention goes on after the leader was killed. */
    private static final Duration AFTER_KILL = Duration.ofSeconds(3);
    /** Bounds each worker's loop in count, beside its bound in time. */
    private static final int MAX_ROUNDS_PER_THREAD = 5_000;
    private static final LockOptions WAIT_10_S = LockOptions.defaults().withWaitTime(Duration.ofSeconds(10));

    private String key;

    /** One critical section: the token it ran under, and when its acquisition began. */
    private record Section(long token, long acquisitionStartedAt) {
    }

    /** One acquisition or release that failed, and when, relative to the kill. */
    private record Failure(String what, long atNanos, LockBackendException failure) {
    }

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }

    @Test
    void lockStaysExclusiveAndWaitersAreServedWhileTheLeaderIsKilled() throws Exception {
        List<Locker> contenders = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
            contenders.add(nodes.newLocker());
        }
        Locker holder = nodes.newLocker();
        Locker waiter = nodes.newLocker();
        String waitKey = key + ":waiter";

        AtomicInteger holdersNow = new AtomicInteger();
        AtomicInteger mostHoldersAtOnce = new AtomicInteger();
        int[] counter = {0}; // deliberately unsynchronized: a second holder shows up as a lost increment
        List<Section> sections = Collections.synchronizedList(new ArrayList<>());
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch warmedUp = new CountDownLatch(50);
        long testStart = System.nanoTime();
        AtomicLong stopAt = new AtomicLong(testStart + TimeUnit.SECONDS.toNanos(30)); // moved up at the kill
        AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);

        // A waiter on another key, queued behind another node before the kill, released after it.
        Lock waitKeyHeld = holder.lock(waitKey);
        CountDownLatch waiterStarted = new CountDownLatch(1);
        Future<Lock> waiterGot = nodes.threads().submit(() -> {
            waiterStarted.countDown();
            return waiter.lock(waitKey, LockOptions.defaults().withWaitTime(Duration.ofSeconds(20)));
        });
        waiterStarted.await();

        List<Future<?>> workers = new ArrayList<>();
        for (Locker locker : contenders) {
            for (int t = 0; t < THREADS_PER_NODE; t++) {
                workers.add(nodes.threads().submit(() -> {
                    for (int round = 0; round < MAX_ROUNDS_PER_THREAD && System.nanoTime() - stopAt.get() < 0; round++) {
                        long startedAt = System.nanoTime();
                        Lock lock;
                        try {
                            lock = locker.lock(key, WAIT_10_S);
                        } catch (LockBackendException noLeader) {
                            failures.add(new Failure("acquire", System.nanoTime(), noLeader));
                            Thread.sleep(50); // do not spin on a cluster that is electing
                            continue;
                        }
                        try {
                            mostHoldersAtOnce.accumulateAndGet(holdersNow.incrementAndGet(), Math::max);
                            int read = counter[0];
                            Thread.yield();
                            counter[0] = read + 1;
                            sections.add(new Section(lock.fencingToken(), startedAt));
                            holdersNow.decrementAndGet();
                            warmedUp.countDown();
                        } finally {
                            try {
                                lock.unlock();
                            } catch (LockBackendException noLeader) {
                                failures.add(new Failure("release", System.nanoTime(), noLeader));
                            }
                        }
                    }
                    return null;
                }));
            }
        }

        assertThat(warmedUp.await(20, TimeUnit.SECONDS)).as("50 critical sections before the kill").isTrue();
        awaitKeysUnder(waitKey, 2); // the holder's key and the waiter's behind it: the waiter is queued
        EtcdMember leader = ETCD.leader();
        int sectionsBeforeKill = sections.size();
        killedAt.set(System.nanoTime());
        leader.process().kill();
        stopAt.set(killedAt.get() + AFTER_KILL.toNanos());
        try {
            EtcdMember newLeader = awaitNewLeader(leader);
            long electedAfterMillis = millisAfter(killedAt.get());

            // The holder releases once the cluster writes again; the waiter, queued since before the kill, takes over.
            long releasedAt = System.nanoTime();
            assertThat(waitKeyHeld.unlock()).as("the holder's release after the election").isTrue();
            Lock waited = waiterGot.get(15, TimeUnit.SECONDS);
            long waiterAfterMillis = millisAfter(releasedAt);
            assertThat(waited.isHeld()).isTrue();
            assertThat(waited.fencingToken()).isGreaterThan(waitKeyHeld.fencingToken());
            assertThat(waited.unlock()).isTrue();

            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            int completed = sections.size();
            long startedAfterKill = sections.stream().filter(s -> s.acquisitionStartedAt() - killedAt.get() > 0).count();
            System.out.printf("%s: killed the leader %s; %s led %d ms later; "
                    + "%d critical sections before the kill, %d in all, %d of them acquired after the kill; "
                    + "%d failures; the waiter got its lock %d ms after the release; %d ms in all%n",
                    getClass().getSimpleName(), leader.clientUrl(), newLeader.clientUrl(), electedAfterMillis, sectionsBeforeKill, completed, startedAfterKill,
                    failures.size(), waiterAfterMillis, millisAfter(testStart));
            synchronized (failures) {
                for (Failure failure : failures) {
                    System.out.printf("%s:   %s failed %+d ms after the kill: %s%n", getClass().getSimpleName(),
                            failure.what(), TimeUnit.NANOSECONDS.toMillis(failure.atNanos() - killedAt.get()),
                            failure.failure().getMessage());
                }
            }

            assertThat(mostHoldersAtOnce).as("holders at once").hasValue(1);
            assertThat(counter[0]).as("increments made under the lock").isEqualTo(completed);
            List<Long> tokens;
            synchronized (sections) {
                tokens = sections.stream().map(Section::token).toList();
            }
            assertThat(tokens).as("fencing tokens in the order the critical sections ran").isSorted()
                    .doesNotHaveDuplicates();
            assertThat(startedAfterKill).as("critical sections whose acquisition began after the kill").isPositive();
        } finally {
            // the cluster stays whole for whatever runs next on it
            leader.process().start();
        }
    }

    /** @return the member that leads once one that is not {@code killed} does (within 10 s) */
    private static EtcdMember awaitNewLeader(EtcdMember killed) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Optional<EtcdMember> leader = ETCD.members().stream().filter(m -> m != killed).filter(EtcdMember::isLeader)
                    .findFirst();
            if (leader.isPresent()) {
                return leader.get();
            }
            assertThat(System.nanoTime()).as("a new leader within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Waits (at most 10 s) until {@code count} keys are queued under the lock name of {@code lockKey}. */
    @Test
    void aHolderCutOffWithItsMemberIsToldOfTheLossBeforeAnotherNodeAcquires() throws Exception {
        EtcdMember cutOff = ETCD.members().stream().filter(member -> !member.isLeader()).findFirst().orElseThrow();
        String othersEndpoints = ETCD.members().stream().filter(member -> member != cutOff).map(EtcdMember::clientUrl)
                .collect(Collectors.joining(","));
        List<Long> lossesAt = new CopyOnWriteArrayList<>();
        LockerBackend holderNode = connect(cutOff.clientUrl());
        LockerBackend otherNode = connect(othersEndpoints);
        try {
            Locker holder = holderNode.locker("cut-off", LockOptions.defaults(), PREFIX, lost -> lossesAt.add(System.nanoTime()));
            Locker other = otherNode.locker("other", LockOptions.defaults(), PREFIX);
            Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(3)));
            CompletableFuture<Long> otherAcquiredAt = other.lockAsync(key, LockOptions.defaults()
                    .withWaitTime(Duration.ofSeconds(30))).toCompletableFuture().thenApply(lock -> {
                        long at = System.nanoTime();
                        lock.unlock();
                        return at;
                    });

            cutOff.process().kill();

            long acquiredAt = otherAcquiredAt.get(40, TimeUnit.SECONDS);
            assertThat(lossesAt).as("the loss was told").hasSize(1);
            assertThat(lossesAt.get(0)).as("told before the other node acquired").isLessThan(acquiredAt);
            assertThat(held.isHeld()).isFalse();
        } finally {
            cutOff.process().start();
            holderNode.close();
            otherNode.close();
        }
    }

    private static LockerBackend connect(String endpoints) {
        return LockerDriver.find("etcd").orElseThrow().connect(BackendConfig.of("etcd", "tck",
                Map.of("endpoints", endpoints, "timeout", "2s")));
    }

    private static void awaitKeysUnder(String lockKey, int count) throws Exception {
        ByteSequence prefix = ByteSequence.from(PREFIX + "/" + lockKey + "/", StandardCharsets.UTF_8);
        GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        try (Client etcd = Client.builder().endpoints(ETCD.endpoints().split(",")).build()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                long queued = etcd.getKVClient().get(prefix, countOnly).get(2, TimeUnit.SECONDS).getCount();
                if (queued >= count) {
                    return;
                }
                assertThat(System.nanoTime()).as("%d keys under %s within 10 s, found %d", count, prefix, queued)
                        .isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static long millisAfter(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
