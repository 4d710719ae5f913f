package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockConflictException;
import io.github.locker.LockMode;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Leased semaphores ({@link LockMode#PERMIT}), on every driver that
 * {@linkplain io.github.locker.spi.LockEngine#supports supports} them: at most N holders across
 * nodes, a permit per acquisition with its own lease and token, owner-only release, a count that
 * must agree, and nothing left behind by an acquisition given up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SemaphoreContract extends ContractOnNodes {
    /** @return one permit of a semaphore of {@code permits}, waiting forever */
    protected static LockOptions permits(int permits) {
        return LockOptions.defaults().withPermits(permits);
    }

    private static LockOptions oneAttempt(int permits) {
        return permits(permits).withWaitTime(Duration.ZERO);
    }

    @Test
    void atMostNHoldersAcrossNodes() throws Exception {
        List<Lock> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(nodes.newLocker().lock(key, permits(3).withWaitTime(Duration.ofSeconds(5))));
        }
        Locker fourth = nodes.newLocker();
        assertThat(held).allMatch(Lock::isHeld);
        assertThat(held).extracting(Lock::fencingToken).doesNotHaveDuplicates();
        assertThat(fourth.tryLock(key, oneAttempt(3))).as("a fourth permit of three").isEmpty();

        CompletableFuture<Lock> waiting = fourth.lockAsync(key, permits(3).withWaitTime(Duration.ofSeconds(20)))
                .toCompletableFuture();
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        long releasedAt = System.nanoTime();
        assertThat(held.get(1).unlock()).isTrue();
        Lock taken = waiting.get(10, TimeUnit.SECONDS);
        long wokeAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - releasedAt);
        assertThat(wokeAfterMillis).as("woken by the release, not the holders' 60 s leases").isLessThan(5_000);
        assertThat(taken.fencingToken()).isGreaterThan(held.get(2).fencingToken());
        assertThat(fourth.tryLock(key, oneAttempt(3))).as("three held again").isEmpty();
        for (Lock lock : List.of(held.get(0), held.get(2), taken)) {
            assertThat(lock.unlock()).isTrue();
        }
    }

    @Test
    void aDisagreeingCountIsAnErrorAndTakesNothing() {
        Locker holder = nodes.newLocker();
        Locker other = nodes.newLocker();
        Lock held = holder.lock(key, permits(3));

        assertThatThrownBy(() -> other.lock(key, permits(5).withWaitTime(Duration.ofSeconds(5))))
                .isInstanceOf(LockConflictException.class)
                .hasMessageContaining(key).hasMessageContaining("3").hasMessageContaining("5");
        assertThatThrownBy(() -> other.tryLock(key, oneAttempt(1))).isInstanceOf(LockConflictException.class);

        List<Lock> rest = List.of(other.lock(key, oneAttempt(3)), other.lock(key, oneAttempt(3)));
        assertThat(other.tryLock(key, oneAttempt(3))).as("the refused acquisitions took no permit").isEmpty();
        rest.forEach(Lock::unlock);
        assertThat(held.unlock()).isTrue();
        try (Lock recounted = other.lock(key, oneAttempt(5))) {
            assertThat(recounted.isHeld()).as("a new count once nobody holds a permit").isTrue();
        }
    }

    @Test
    void tokensStrictlyIncreasePerSemaphore() {
        Locker first = nodes.newLocker();
        Locker second = nodes.newLocker();
        List<Long> tokens = new ArrayList<>();
        try (Lock kept = first.lock(key, permits(2))) {
            tokens.add(kept.fencingToken());
            for (int i = 0; i < 10; i++) {
                try (Lock lock = (i % 2 == 0 ? first : second).lock(key, permits(2))) {
                    tokens.add(lock.fencingToken());
                }
            }
        }
        assertThat(tokens).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aPermitNobodyRenewsComesBackAtItsLeaseEnd() {
        Duration lease = backend().shortLease();
        Lock stale = nodes.newLocker().lock(key, permits(1).withLeaseTime(lease).withKeepAlive(false));
        Locker other = nodes.newLocker();
        assertThat(other.tryLock(key, oneAttempt(1))).isEmpty();

        Lock taken = other.lock(key, permits(1).withWaitTime(lease.multipliedBy(10)));

        assertThat(stale.isHeld()).isFalse();
        assertThat(stale.unlock()).as("the expired permit released nothing of the new holder").isFalse();
        assertThat(nodes.newLocker().tryLock(key, oneAttempt(1))).isEmpty();
        assertThat(taken.unlock()).isTrue();
    }

    @Test
    void keptAlivePermitsOutliveTheirLease() throws Exception {
        Duration lease = backend().shortLease();
        Lock kept = nodes.newLocker().lock(key, permits(1).withLeaseTime(lease));
        Thread.sleep(lease.multipliedBy(3).toMillis());
        assertThat(kept.isHeld()).isTrue();
        assertThat(nodes.newLocker().tryLock(key, oneAttempt(1))).isEmpty();
        assertThat(kept.unlock()).isTrue();
    }

    @Test
    void aSemaphoreIsApartFromTheLockOfTheSameKey() {
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        try (Lock exclusive = locker.lock(key); Lock permit = other.lock(key, oneAttempt(1))) {
            assertThat(exclusive.isHeld()).isTrue();
            assertThat(permit.isHeld()).isTrue();
            assertThat(other.tryLock(key)).isEmpty();
        }
    }

    @Test
    void eachAcquisitionOfAThreadIsOneMorePermit() {
        Locker locker = nodes.newLocker();
        try (Lock first = locker.lock(key, oneAttempt(2)); Lock second = locker.lock(key, oneAttempt(2))) {
            assertThat(second.fencingToken()).isNotEqualTo(first.fencingToken());
            assertThat(locker.tryLock(key, oneAttempt(2))).as("not reentrant: both permits are taken").isEmpty();
            assertThat(first.unlock()).isTrue();
            assertThat(second.isHeld()).as("each permit is released on its own").isTrue();
        }
    }

    @Test
    void neverMoreThanNHoldersUnderContention() throws Exception {
        List<Locker> lockers = List.of(nodes.newLocker(), nodes.newLocker());
        AtomicInteger holdersNow = new AtomicInteger();
        AtomicInteger mostHoldersAtOnce = new AtomicInteger();
        AtomicInteger sections = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        int iterations = Math.max(20, backend().contentionIterations() / 10);
        for (Locker locker : lockers) {
            for (int t = 0; t < 6; t++) {
                workers.add(nodes.threads().submit(() -> {
                    for (int i = 0; i < iterations; i++) {
                        try (Lock permit = locker.lock(key, permits(3))) {
                            mostHoldersAtOnce.accumulateAndGet(holdersNow.incrementAndGet(), Math::max);
                            Thread.sleep(2);
                            holdersNow.decrementAndGet();
                            sections.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
        }
        for (Future<?> worker : workers) {
            worker.get(50, TimeUnit.SECONDS);
        }
        System.out.printf("%s: %d permits taken by 12 threads on 2 nodes, up to %d at once%n", getClass().getSimpleName(),
                sections.get(), mostHoldersAtOnce.get());
        assertThat(sections.get()).isEqualTo(12 * iterations);
        assertThat(mostHoldersAtOnce.get()).as("holders at once").isBetween(2, 3);
    }

    @Test
    void aCancelledWaiterLeavesNothingBehind() throws Exception {
        Lock held = nodes.newLocker().lock(key, permits(1));
        CompletableFuture<Lock> waiting = nodes.newLocker().lockAsync(key, permits(1).withWaitTime(Duration.ofSeconds(20)))
                .toCompletableFuture();
        Thread.sleep(300);

        waiting.cancel(false);
        assertThat(held.unlock()).isTrue();

        Thread.sleep(300); // a waiter that took the permit after the cancel would hold it by now
        assertThat(nodes.newLocker().tryLock(key, oneAttempt(1))).as("the permit is free").isPresent()
                .get().satisfies(Lock::unlock);
    }

    @Test
    void aLeaderLoopOnPermitsHasAtMostNLeaders() throws Exception {
        AtomicInteger leadersNow = new AtomicInteger();
        AtomicInteger mostLeadersAtOnce = new AtomicInteger();
        List<io.github.locker.LeaderLoop> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            loops.add(nodes.newLocker().runLoop(key, permits(2), Duration.ZERO, lock -> {
                mostLeadersAtOnce.accumulateAndGet(leadersNow.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                } finally {
                    leadersNow.decrementAndGet();
                }
            }));
        }
        Thread.sleep(1_000);
        loops.forEach(io.github.locker.LeaderLoop::stop);
        assertThat(mostLeadersAtOnce.get()).isEqualTo(2);
    }
}
