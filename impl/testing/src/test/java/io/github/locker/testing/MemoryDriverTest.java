package io.github.locker.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockLost;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's behaviour (reentrancy, loss at the lease end, leader loops) through the memory
 * driver, found the way an application finds it: by name, with {@link java.util.ServiceLoader}.
 */
class MemoryDriverTest {
    private static final String PREFIX = "locker:";
    private final String instance = "unit-" + UUID.randomUUID();
    private final List<LockerBackend> backends = new ArrayList<>();
    private final BlockingQueue<LockLost> losses = new LinkedBlockingQueue<>();

    private Locker newLocker() {
        LockerBackend backend = LockerDriver.find("memory").orElseThrow()
                .connect(BackendConfig.of("memory", instance, Map.of()));
        backends.add(backend);
        return backend.locker("unit", LockOptions.defaults(), PREFIX, losses::add);
    }

    @AfterEach
    void closeBackends() {
        backends.forEach(LockerBackend::close);
    }

    @Test
    void theSameThreadReentersAndTheLockGoesWithItsLastUnlock() {
        Locker locker = newLocker();
        Lock outer = locker.lock("report");
        Lock inner = locker.lock("report");

        assertThat(inner.fencingToken()).as("a reentry is the same acquisition").isEqualTo(outer.fencingToken());
        inner.unlock();
        assertThat(MemoryLocks.isHeld(instance, PREFIX, "report")).as("held until the outer unlock").isTrue();
        outer.unlock();
        assertThat(MemoryLocks.isHeld(instance, PREFIX, "report")).isFalse();
        assertThat(locker.lock("report").fencingToken()).as("a new acquisition has a higher token")
                .isGreaterThan(outer.fencingToken());
    }

    @Test
    void anotherNodeWaitsForTheReleaseAndGetsAHigherToken() throws Exception {
        Locker first = newLocker();
        Locker second = newLocker();
        Lock held = first.lock("transfer");
        CompletableFuture<Lock> waiting = second.lockAsync("transfer",
                LockOptions.defaults().withWaitTime(Duration.ofSeconds(5))).toCompletableFuture();

        assertThat(second.tryLock("transfer")).as("one attempt while held").isEmpty();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (MemoryLocks.waiting(instance, PREFIX, "transfer") == 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(MemoryLocks.waiting(instance, PREFIX, "transfer")).isEqualTo(1);
        held.unlock();

        Lock taken = waiting.get(5, TimeUnit.SECONDS);
        assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
        taken.unlock();
    }

    @Test
    void aLeaseWithoutKeepAliveEndsAndIsToldLost() throws Exception {
        Locker locker = newLocker();
        Lock lock = locker.lock("short", LockOptions.defaults().withLeaseTime(Duration.ofMillis(200)).withKeepAlive(false));

        LockLost lost = losses.poll(5, TimeUnit.SECONDS);
        assertThat(lost).isNotNull();
        assertThat(lost.key()).isEqualTo("short");
        assertThat(lock.isHeld()).isFalse();
        assertThat(MemoryLocks.isHeld(instance, PREFIX, "short")).isFalse();
        assertThat(lock.unlock()).as("unlocking a lost lock answers false").isFalse();
    }

    @Test
    void aResetStoreMakesHoldersLoseTheirLocksAtTheirNextRenewal() throws Exception {
        Locker locker = newLocker();
        Lock lock = locker.lock("kept", LockOptions.defaults().withLeaseTime(Duration.ofMillis(300)));

        MemoryLocks.reset();

        assertThat(losses.poll(5, TimeUnit.SECONDS)).isNotNull();
        assertThat(lock.isHeld()).isFalse();
    }

    @Test
    void aLeaderLoopRunsOnOneNodeAndMovesWhenItsNodeCloses() throws Exception {
        BlockingQueue<Locker> ranOn = new LinkedBlockingQueue<>();
        Locker first = newLocker();
        Locker second = newLocker();
        LeaderLoop one = first.runLoop("settle", LockOptions.defaults(), Duration.ofMillis(20), lock -> ranOn.add(first));
        assertThat(ranOn.poll(5, TimeUnit.SECONDS)).isSameAs(first);
        LeaderLoop two = second.runLoop("settle", LockOptions.defaults(), Duration.ofMillis(20), lock -> ranOn.add(second));
        Thread.sleep(200);
        assertThat(two.isLeader()).isFalse();

        backends.get(0).close();
        assertThat(one.awaitStopped(Duration.ofSeconds(5))).isTrue();
        ranOn.clear();
        assertThat(ranOn.poll(5, TimeUnit.SECONDS)).as("the other node took over at once").isSameAs(second);
        two.stop();
    }

    @Test
    void aSectionWithASettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> LockerDriver.find("memory").orElseThrow()
                .connect(BackendConfig.of("memory", instance, Map.of("uri", "redis://localhost"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'memory." + instance + ".uri' is not a setting of the memory driver, which takes none: remove it");
    }

    @Test
    void anUnlockAfterTheBackendClosedAnswersFalseAndTellsTheLossInsteadOfThrowing() throws Exception {
        Locker locker = newLocker();
        Lock lock = locker.lock("shutdown");

        backends.get(0).close();

        assertThat(lock.unlock()).as("the close released it, not this unlock").isFalse();
        assertThat(losses.poll(5, TimeUnit.SECONDS)).isNotNull();
    }
}
