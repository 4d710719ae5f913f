package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shared (read) and exclusive (write) holds of one key, on every driver that
 * {@linkplain io.github.locker.spi.LockEngine#supports supports} {@link LockMode#SHARED}: many
 * readers or one writer, a waiting writer stopping new readers, fencing across both, leases,
 * reentrancy without upgrade, and nothing left behind by an acquisition given up. Each locker has
 * a backend connection of its own, as a separate node would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SharedLockContract extends ContractOnNodes {
    /** Shared, waiting forever. */
    protected static final LockOptions SHARED = LockOptions.defaults().withMode(LockMode.SHARED);
    private static final LockOptions SHARED_ONE_ATTEMPT = SHARED.withWaitTime(Duration.ZERO);
    private static final LockOptions WAIT_20_S = LockOptions.defaults().withWaitTime(Duration.ofSeconds(20));

    @Test
    void manySharedHoldersAtOnceAndNoExclusiveBesideThem() {
        List<Lock> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(nodes.newLocker().lock(key, SHARED.withWaitTime(Duration.ofSeconds(5))));
        }
        Locker writer = nodes.newLocker();
        assertThat(readers).allMatch(Lock::isHeld);
        assertThat(readers).extracting(Lock::fencingToken).doesNotHaveDuplicates();
        assertThat(writer.tryLock(key)).as("no exclusive holder beside shared ones").isEmpty();

        readers.subList(0, 2).forEach(reader -> assertThat(reader.unlock()).isTrue());
        assertThat(writer.tryLock(key)).as("one shared holder is enough to keep a writer out").isEmpty();
        assertThat(readers.get(2).unlock()).isTrue();
        try (Lock written = writer.tryLock(key).orElseThrow()) {
            assertThat(written.fencingToken()).isGreaterThan(readers.get(2).fencingToken());
        }
    }

    @Test
    void anExclusiveHolderKeepsSharedOnesOut() throws Exception {
        Locker writer = nodes.newLocker();
        Locker reader = nodes.newLocker();
        Lock written = writer.lock(key);
        assertThat(reader.tryLock(key, SHARED_ONE_ATTEMPT)).isEmpty();
        CompletableFuture<Lock> waiting = reader.lockAsync(key, SHARED.withWaitTime(Duration.ofSeconds(20))).toCompletableFuture();
        Thread.sleep(200);
        assertThat(waiting).isNotDone();

        assertThat(written.unlock()).isTrue();
        Lock read = waiting.get(10, TimeUnit.SECONDS);
        assertThat(read.fencingToken()).as("a shared token is above the exclusive ones before it")
                .isGreaterThan(written.fencingToken());
        assertThat(read.unlock()).isTrue();
    }

    @Test
    void aWaitingExclusiveAcquisitionStopsNewSharedOnes() throws Exception {
        Lock firstReader = nodes.newLocker().lock(key, SHARED);
        Locker writer = nodes.newLocker();
        Locker laterReader = nodes.newLocker();
        CompletableFuture<Lock> writing = writer.lockAsync(key, WAIT_20_S).toCompletableFuture();

        awaitSharedRefused(laterReader);
        assertThat(writing).as("the writer waits for the first reader").isNotDone();
        CompletableFuture<Lock> reading = laterReader.lockAsync(key, SHARED.withWaitTime(Duration.ofSeconds(20)))
                .toCompletableFuture();
        Thread.sleep(200);
        assertThat(reading).as("a reader arriving after the writer waits behind it").isNotDone();

        assertThat(firstReader.unlock()).isTrue();
        Lock written = writing.get(10, TimeUnit.SECONDS);
        assertThat(reading).as("no reader beside the writer").isNotDone();
        assertThat(written.fencingToken()).isGreaterThan(firstReader.fencingToken());
        assertThat(written.unlock()).isTrue();
        Lock read = reading.get(10, TimeUnit.SECONDS);
        assertThat(read.fencingToken()).isGreaterThan(written.fencingToken());
        assertThat(read.unlock()).isTrue();
    }

    @Test
    void tokensIncreaseAcrossSharedAndExclusiveHolds() {
        Locker first = nodes.newLocker();
        Locker second = nodes.newLocker();
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            LockOptions options = i % 3 == 0 ? LockOptions.defaults() : SHARED;
            try (Lock lock = (i % 2 == 0 ? first : second).lock(key, options)) {
                tokens.add(lock.fencingToken());
            }
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aSharedHolderThatStopsRenewingFreesItsShareAtItsLeaseEnd() {
        Duration lease = backend().shortLease();
        Lock stale = nodes.newLocker().lock(key, SHARED.withLeaseTime(lease).withKeepAlive(false));
        Locker writer = nodes.newLocker();
        assertThat(writer.tryLock(key)).isEmpty();

        Lock written = writer.lock(key, LockOptions.defaults().withWaitTime(lease.multipliedBy(10)));

        assertThat(stale.isHeld()).isFalse();
        assertThat(written.fencingToken()).isGreaterThan(stale.fencingToken());
        assertThat(stale.unlock()).as("the expired share was no longer ours").isFalse();
        assertThat(nodes.newLocker().tryLock(key, SHARED_ONE_ATTEMPT)).as("the writer's lock survived it").isEmpty();
        assertThat(written.unlock()).isTrue();
    }

    @Test
    void sharedIsReentrantAndAnUpgradeIsRefused() {
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        Lock outer = locker.lock(key, SHARED);
        Lock inner = locker.lock(key, SHARED);
        assertThat(inner.fencingToken()).as("the same hold").isEqualTo(outer.fencingToken());

        assertThatThrownBy(() -> locker.lock(key))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(key).hasMessageContaining("held shared by this thread")
                .hasMessageContaining("unlock the shared lock first");
        assertThat(inner.unlock()).isTrue();
        assertThat(outer.isHeld()).as("the outer handle still holds").isTrue();
        assertThat(other.tryLock(key)).isEmpty();
        assertThat(outer.unlock()).isTrue();

        try (Lock exclusive = locker.lock(key); Lock alsoShared = locker.lock(key, SHARED)) {
            assertThat(alsoShared.fencingToken()).as("an exclusive holder has more than a share already")
                    .isEqualTo(exclusive.fencingToken());
        }
        assertThat(other.tryLock(key)).isPresent().get().satisfies(Lock::unlock);
    }

    @Test
    void neverAWriterBesideAnotherHolder() throws Exception {
        List<Locker> lockers = List.of(nodes.newLocker(), nodes.newLocker());
        AtomicInteger readersNow = new AtomicInteger();
        AtomicInteger writersNow = new AtomicInteger();
        AtomicInteger mostReadersAtOnce = new AtomicInteger();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<Long> writerTokens = new CopyOnWriteArrayList<>();
        List<Future<?>> workers = new ArrayList<>();
        int iterations = Math.max(20, backend().contentionIterations() / 10);
        for (Locker locker : lockers) {
            for (int t = 0; t < 6; t++) {
                boolean writes = t % 3 == 0;
                workers.add(nodes.threads().submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        try (Lock lock = locker.lock(key, writes ? LockOptions.defaults() : SHARED)) {
                            if (writes) {
                                if (writersNow.incrementAndGet() != 1 || readersNow.get() != 0) {
                                    violations.add("a writer beside " + readersNow.get() + " readers and " + writersNow.get() + " writers");
                                }
                                synchronized (writerTokens) {
                                    writerTokens.add(lock.fencingToken());
                                }
                                Thread.sleep(1);
                                writersNow.decrementAndGet();
                            } else {
                                mostReadersAtOnce.accumulateAndGet(readersNow.incrementAndGet(), Math::max);
                                if (writersNow.get() != 0) {
                                    violations.add("a reader beside a writer");
                                }
                                Thread.sleep(2);
                                readersNow.decrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> worker : workers) {
            worker.get(50, TimeUnit.SECONDS);
        }
        System.out.printf("%s: %d sections by 12 threads on 2 nodes, up to %d readers at once%n", getClass().getSimpleName(),
                12 * iterations, mostReadersAtOnce.get());
        assertThat(violations).isEmpty();
        assertThat(mostReadersAtOnce.get()).as("readers overlapped").isGreaterThan(1);
        assertThat(writerTokens).as("exclusive tokens in the order the writers ran").isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aCancelledWaitingWriterLeavesNothingBehind() throws Exception {
        Lock reader = nodes.newLocker().lock(key, SHARED);
        Locker laterReader = nodes.newLocker();
        CompletableFuture<Lock> writing = nodes.newLocker().lockAsync(key, WAIT_20_S).toCompletableFuture();
        awaitSharedRefused(laterReader);

        writing.cancel(false);

        assertThat(awaitShared(laterReader)).as("readers are let in again once the waiting writer gave up").isPresent()
                .get().satisfies(Lock::unlock);
        assertThat(reader.unlock()).isTrue();
        assertThat(nodes.newLocker().tryLock(key)).isPresent().get().satisfies(Lock::unlock);
    }

    @Test
    void aCancelledWaitingReaderLeavesNothingBehind() throws Exception {
        Locker writer = nodes.newLocker();
        Lock written = writer.lock(key);
        CompletableFuture<Lock> reading = nodes.newLocker().lockAsync(key, SHARED.withWaitTime(Duration.ofSeconds(20)))
                .toCompletableFuture();
        Thread.sleep(300);

        reading.cancel(false);
        assertThat(written.unlock()).isTrue();

        Thread.sleep(300); // a reader that took its share after the cancel would hold it by now
        assertThat(nodes.newLocker().tryLock(key)).as("nothing of the cancelled reader holds the key").isPresent()
                .get().satisfies(Lock::unlock);
    }

    @Test
    void severalKeysTakenSharedByTwoNodesAtOnce() {
        List<String> keys = List.of(key + ":a", key + ":b");
        try (MultiLock first = nodes.newLocker().lockAll(keys, SHARED.withWaitTime(Duration.ofSeconds(5)));
                MultiLock second = nodes.newLocker().lockAll(keys, SHARED.withWaitTime(Duration.ofSeconds(5)))) {
            assertThat(first.locks()).allMatch(Lock::isHeld);
            assertThat(second.locks()).allMatch(Lock::isHeld);
            assertThat(nodes.newLocker().tryLock(key + ":b")).isEmpty();
        }
    }

    @Test
    void aLeaderLoopRefusesASharedLock() {
        assertThatThrownBy(() -> nodes.newLocker().runLoop(key, SHARED, Duration.ZERO, lock -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a shared one");
    }

    /** Waits (at most 10 s) until a new shared attempt is refused: a writer has queued. */
    private void awaitSharedRefused(Locker reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<Lock> got;
        while ((got = reader.tryLock(key, SHARED_ONE_ATTEMPT)).isPresent()) {
            got.get().unlock();
            assertThat(System.nanoTime()).as("a waiting writer stops new readers within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** @return a share taken within 5 s of single attempts */
    private Optional<Lock> awaitShared(Locker reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<Lock> got;
        while ((got = reader.tryLock(key, SHARED_ONE_ATTEMPT)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return got;
    }
}
