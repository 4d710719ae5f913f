package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.MultiLock;
import io.github.locker.spi.BackendConfig;
import io.github.locker.spi.LockerBackend;
import io.github.locker.spi.LockerDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every driver must do within one JVM, with no fault injected: exclusion, fencing, leases,
 * keep-alive, waits, reentrancy, key prefixes, closing. {@link LockerContract} adds what a driver
 * on a server must survive (the server killed, paused, restarted); a driver with no server (the
 * in-memory one) extends this class alone. Each {@link Locker} a test makes has its own backend
 * connection, as two nodes of a service would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SingleJvmLockerContract {
    /** The test's nodes, each with its own connection, its key and its threads. */
    @RegisterExtension
    final Nodes nodes = new Nodes(backend());
    /** A key no other test (or earlier run against the same server) uses. */
    protected String key;
    /** This test's thread pool, shut down after it. */
    protected ExecutorService threads;

    /** @return the driver and server under test */
    protected abstract TckBackend backend();

    /** @return the shortest lease the backend honours precisely */
    protected Duration shortLease() {
        return backend().shortLease();
    }

    @BeforeEach
    void takeKeyAndThreads() {
        key = nodes.key();
        threads = nodes.threads();
    }

    /** @return a locker on a node of its own */
    protected Locker newLocker() {
        return nodes.newLocker();
    }

    @Test
    void onlyOneHolderAtATimeAcrossNodesAndThreads() throws Exception {
        int iterations = backend().contentionIterations();
        Contention.Result run = Contention.run(List.of(newLocker(), newLocker()), 16, iterations, key, threads,
                Duration.ofSeconds(50));
        int total = 2 * 16 * iterations;
        System.out.printf("%s: %d acquisitions by 32 threads on 2 nodes took %d ms%n", getClass().getSimpleName(), total,
                run.millis());
        assertThat(run.mostHoldersAtOnce()).isEqualTo(1);
        assertThat(run.increments()).as("increments made under the lock").isEqualTo(total);
        assertThat(run.tokensInOrder()).hasSize(total).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void fencingTokensStrictlyIncreasePerKey() {
        Locker first = newLocker();
        Locker second = newLocker();
        assertThat(Contention.tokensTakenInTurn(first, second, key, 10)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void tryLockIsOneAttempt() {
        Locker holder = newLocker();
        Locker other = newLocker();
        Lock held = holder.lock(key);
        assertThat(other.tryLock(key)).isEmpty();
        assertThat(held.unlock()).isTrue();
        Optional<Lock> now = other.tryLock(key);
        assertThat(now).isPresent();
        assertThat(now.get().unlock()).isTrue();
    }

    @Test
    void fixedLeaseExpiresWhenKeepAliveIsOff() {
        Locker holder = newLocker();
        Locker other = newLocker();
        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(shortLease()).withKeepAlive(false));
        assertThat(other.tryLock(key)).isEmpty();

        Lock taken = other.lock(key, LockOptions.defaults().withWaitTime(shortLease().multipliedBy(10)));

        assertThat(held.isHeld()).isFalse();
        assertThat(taken.isHeld()).isTrue();
        assertThat(taken.fencingToken()).isGreaterThan(held.fencingToken());
        taken.unlock();
    }

    @Test
    void unlockAfterExpiryDeletesNothingOfTheNewOwner() {
        Locker holder = newLocker();
        Locker other = newLocker();
        Lock expired = holder.lock(key, LockOptions.defaults().withLeaseTime(shortLease()).withKeepAlive(false));
        Lock current = other.lock(key, LockOptions.defaults().withWaitTime(shortLease().multipliedBy(10)));

        assertThat(expired.unlock()).as("the expired holder no longer owned it").isFalse();

        assertThat(current.isHeld()).isTrue();
        assertThat(newLocker().tryLock(key)).as("the new owner's lock survived").isEmpty();
        assertThat(current.unlock()).isTrue();
    }

    @Test
    void keepAliveHoldsTheLockForFiveLeases() throws InterruptedException {
        Locker holder = newLocker();
        Locker other = newLocker();
        Lock held = holder.lock(key, LockOptions.defaults().withLeaseTime(shortLease()));
        long until = System.nanoTime() + shortLease().multipliedBy(5).toNanos();
        while (System.nanoTime() < until) {
            assertThat(held.isHeld()).isTrue();
            assertThat(other.tryLock(key)).isEmpty();
            Thread.sleep(shortLease().toMillis() / 4);
        }
        assertThat(held.unlock()).isTrue();
    }

    @Test
    void waiterWakesOnReleaseNotAtLeaseEnd() throws Exception {
        long wokeAfterMillis = Contention.wakeUpAfterRelease(newLocker(), newLocker(), key, threads);
        System.out.printf("%s: waiter acquired %d ms after the release%n", getClass().getSimpleName(), wokeAfterMillis);
        assertThat(wokeAfterMillis).as("woken by the release, long before the 30 s lease would end").isLessThan(3000);
    }

    @Test
    void waitTimeEndsInTimeoutException() {
        Locker holder = newLocker();
        Locker waiter = newLocker();
        Lock held = holder.lock(key);
        Duration waitTime = Duration.ofMillis(500);
        long start = System.nanoTime();

        assertThatThrownBy(() -> waiter.lock(key, LockOptions.defaults().withWaitTime(waitTime)))
                .isInstanceOf(LockTimeoutException.class)
                .isInstanceOf(LockNotAcquiredException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(((LockTimeoutException) e).waitTime()).isEqualTo(waitTime));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(waitTime);
        assertThat(held.isHeld()).isTrue();
        held.unlock();
    }

    @Test
    void zeroWaitTimeIsOneAttemptEndingInNotAcquired() {
        Locker holder = newLocker();
        Lock held = holder.lock(key);
        assertThatThrownBy(() -> newLocker().lock(key, LockOptions.defaults().withWaitTime(Duration.ZERO)))
                .isExactlyInstanceOf(LockNotAcquiredException.class)
                .hasMessageContaining("one attempt");
        held.unlock();
    }

    @Test
    void retriesRunOutInNotAcquired() {
        Locker holder = newLocker();
        Lock held = holder.lock(key);
        Duration interval = Duration.ofMillis(100);
        long start = System.nanoTime();

        assertThatThrownBy(() -> newLocker().lock(key, LockOptions.defaults().withRetry(3, interval)))
                .isExactlyInstanceOf(LockNotAcquiredException.class)
                .hasMessageContaining("4 attempts");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(interval.multipliedBy(3));
        held.unlock();
    }

    @Test
    void retrySucceedsOnceTheHolderIsGone() {
        Locker holder = newLocker();
        holder.lock(key, LockOptions.defaults().withLeaseTime(shortLease()).withKeepAlive(false));
        int attemptsSpanningTwoLeases = 20;
        Duration interval = shortLease().dividedBy(10);

        Lock lock = newLocker().lock(key, LockOptions.defaults().withRetry(attemptsSpanningTwoLeases, interval));

        assertThat(lock.isHeld()).isTrue();
        lock.unlock();
    }

    @Test
    void sameThreadReentersWithoutDeadlock() throws Exception {
        Locker locker = newLocker();
        Lock outer = locker.lock(key);
        Lock inner = locker.lock(key, LockOptions.defaults().withWaitTime(Duration.ZERO));
        assertThat(inner.fencingToken()).isEqualTo(outer.fencingToken());
        assertThat(threads.submit(() -> locker.tryLock(key)).get()).as("another thread of the same node").isEmpty();

        assertThat(inner.unlock()).isTrue();
        assertThat(outer.isHeld()).isTrue();
        assertThat(newLocker().tryLock(key)).as("still held after the inner unlock").isEmpty();

        assertThat(outer.unlock()).isTrue();
        Optional<Lock> free = newLocker().tryLock(key);
        assertThat(free).as("free after the outer unlock").isPresent();
        free.get().unlock();
    }

    @Test
    void unlockFromAnotherThreadReleases() throws Exception {
        Locker locker = newLocker();
        Lock lock = locker.lock(key);
        assertThat(threads.submit(lock::unlock).get()).isTrue();
        assertThat(lock.unlock()).as("a second unlock").isFalse();
        Optional<Lock> again = locker.tryLock(key);
        assertThat(again).isPresent();
        assertThat(again.get().isHeld()).isTrue();
        assertThat(again.get().fencingToken()).as("a fresh acquisition on the thread that took the released lock")
                .isGreaterThan(lock.fencingToken());
        again.get().unlock();
    }

    @Test
    void runAlwaysUnlocks() {
        Locker locker = newLocker();
        assertThatThrownBy(() -> locker.run(key, () -> {
            throw new IllegalStateException("business failure");
        })).isInstanceOf(IllegalStateException.class).hasMessage("business failure");
        assertThat(locker.call(key, () -> "done")).isEqualTo("done");
        Optional<Lock> free = newLocker().tryLock(key);
        assertThat(free).isPresent();
        free.get().unlock();
    }

    @Test
    void lockAsyncCompletesWhenHeld() throws Exception {
        Locker holder = newLocker();
        Lock held = holder.lock(key);
        CompletableFuture<Lock> pending = newLocker().lockAsync(key, LockOptions.defaults()).toCompletableFuture();
        Thread.sleep(200);
        assertThat(pending).isNotDone();
        held.unlock();
        Lock lock = pending.get(10, TimeUnit.SECONDS);
        assertThat(lock.isHeld()).isTrue();
        assertThat(lock.unlock()).isTrue();
    }

    @Test
    void everyBadInputIsRejectedNamingTheArgumentAndLosesNothing() {
        Locker locker = newLocker();
        Lock held = locker.lock(key);

        assertThatThrownBy(() -> locker.lock(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key must not be null");
        assertThatThrownBy(() -> locker.tryLock("  ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key must not be blank");
        assertThatThrownBy(() -> locker.lock("k".repeat(Locker.MAX_KEY_BYTES + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key must be at most 1024");
        assertThatThrownBy(() -> locker.lock(key + "\uD83D")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate (\\uD83D)");
        assertThatThrownBy(() -> locker.tryLock("\uDD12" + key)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 0 is an unpaired surrogate");
        assertThatThrownBy(() -> locker.lock(key, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("options");
        assertThatThrownBy(() -> LockOptions.defaults().withLeaseTime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> LockOptions.defaults().withLeaseTime(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leaseTime");
        assertThatThrownBy(() -> LockOptions.defaults().withWaitTime(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitTime");
        assertThatThrownBy(() -> LockOptions.defaults().withRetry(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry count");
        assertThatThrownBy(() -> LockOptions.defaults().withRetry(1, Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry interval");

        assertThat(held.isHeld()).as("the held lock is untouched").isTrue();
        assertThat(newLocker().tryLock(key)).isEmpty();
        assertThat(held.unlock()).isTrue();
        Optional<Lock> afterwards = locker.tryLock(key);
        assertThat(afterwards).as("the locker still works").isPresent();
        afterwards.get().unlock();
    }

    @Test
    void lockersWithDifferentKeyPrefixesNeverShareALock() {
        LockerBackend node = LockerDriver.find(backend().driver()).orElseThrow()
                .connect(BackendConfig.of(backend().driver(), "tck", backend().section()));
        try {
            // "t1" + "2<key>" and "t12" + "<key>" concatenate alike: only a separator keeps the tenants apart
            Lock first = node.locker("tenant-1", LockOptions.defaults(), "t1").lock("2" + key);
            Optional<Lock> second = node.locker("tenant-12", LockOptions.defaults(), "t12").tryLock(key);
            Optional<Lock> sameTenant = node.locker("tenant-1-again", LockOptions.defaults(), "t1").tryLock("2" + key);
            assertThat(second).as("another prefix's lock").isPresent();
            assertThat(sameTenant).as("the same prefix's lock, from another locker").isEmpty();
            second.get().unlock();
            first.unlock();
        } finally {
            node.close();
        }
    }

    @Test
    void closingABackendReleasesItsLocksAtOnce() {
        LockerBackend node = LockerDriver.find(backend().driver()).orElseThrow()
                .connect(BackendConfig.of(backend().driver(), "tck", backend().section()));
        Locker closing = node.locker("closing", LockOptions.defaults(), Nodes.PREFIX);
        closing.lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(60)));
        closing.lock(key + ":fixed", LockOptions.defaults().withLeaseTime(Duration.ofSeconds(60)).withKeepAlive(false));
        Locker other = newLocker();

        node.close();

        long start = System.nanoTime();
        for (String released : List.of(key, key + ":fixed")) {
            try (Lock lock = other.lock(released, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)))) {
                assertThat(lock.isHeld()).isTrue();
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("released at close, not at the end of the 60 s leases")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void extendMovesTheEndOfAFixedLeaseAndKeepsItsToken() throws Exception {
        Locker other = newLocker();
        Duration lease = shortLease();
        Lock lock = newLocker().lock(key, LockOptions.defaults().withLeaseTime(lease).withKeepAlive(false));

        assertThat(lock.extend(lease.multipliedBy(5))).isTrue();
        Thread.sleep(lease.multipliedBy(2).toMillis());
        assertThat(lock.isHeld()).as("held past its first lease").isTrue();
        assertThat(other.tryLock(key)).as("another node finds it held").isEmpty();
        long token = lock.fencingToken();
        assertThat(lock.unlock()).isTrue();
        try (Lock next = other.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)))) {
            assertThat(next.fencingToken()).isGreaterThan(token);
        }
    }

    @Test
    void extendAnswersFalseForALockNoLongerOursAndIsRefusedForAKeptAliveOne() throws Exception {
        Locker locker = newLocker();
        Duration lease = shortLease();
        Lock fixed = locker.lock(key, LockOptions.defaults().withLeaseTime(lease).withKeepAlive(false));
        long until = System.nanoTime() + lease.multipliedBy(10).toNanos();
        while (fixed.isHeld() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(fixed.extend(lease)).as("its lease had ended").isFalse();
        assertThat(fixed.isHeld()).isFalse();

        try (Lock kept = locker.lock(key + ":kept")) {
            assertThatThrownBy(() -> kept.extend(lease)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("keep-alive");
            assertThatThrownBy(() -> kept.extend(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("leaseTime");
            assertThat(kept.isHeld()).as("a refused extension touches nothing").isTrue();
        }
    }

    @Test
    void holdAtLeastKeepsAnEarlyReleasedLockTakenUntilItsTime() throws Exception {
        Locker other = newLocker();
        Duration hold = shortLease().multipliedBy(2);
        LockOptions options = LockOptions.defaults().withLeaseTime(hold.multipliedBy(5)).withHoldAtLeast(hold);
        long before = System.nanoTime();
        Lock lock = newLocker().lock(key, options);

        assertThat(lock.unlock()).as("still ours when released").isTrue();
        assertThat(lock.isHeld()).isFalse();
        assertThat(other.tryLock(key)).as("taken until holdAtLeast has passed").isEmpty();
        try (Lock next = other.lock(key, LockOptions.defaults().withWaitTime(hold.multipliedBy(5)))) {
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("free once holdAtLeast had passed, not sooner")
                    .isGreaterThanOrEqualTo(hold);
            assertThat(next.fencingToken()).isGreaterThan(lock.fencingToken());
        }

        Lock late = newLocker().lock(key, LockOptions.defaults().withLeaseTime(Duration.ofSeconds(30))
                .withHoldAtLeast(Duration.ofMillis(200)));
        Thread.sleep(400);
        assertThat(late.unlock()).isTrue();
        assertThat(other.tryLock(key)).as("released at once when holdAtLeast had already passed").isPresent()
                .get().satisfies(Lock::unlock);
    }

    @Test
    void lockAllTakesEveryKeyOrNoneAndReleasesWhatItTookWhenOneIsHeld() {
        Locker locker = newLocker();
        Locker other = newLocker();
        List<String> keys = List.of(key + ":c", key + ":a", key + ":b", key + ":a");
        try (Lock heldElsewhere = other.lock(key + ":b")) {
            assertThatThrownBy(() -> locker.lockAll(keys, LockOptions.defaults().withWaitTime(Duration.ofMillis(300))))
                    .isInstanceOf(LockTimeoutException.class).hasMessageContaining(key + ":b");
            assertThat(other.tryLock(key + ":a")).as("the key taken before the held one was released").isPresent()
                    .get().satisfies(Lock::unlock);
            assertThat(other.tryLock(key + ":c")).as("the key after it was never taken").isPresent().get().satisfies(Lock::unlock);
        }
        try (MultiLock all = locker.lockAll(keys, LockOptions.defaults().withWaitTime(Duration.ofSeconds(10)))) {
            assertThat(all.locks()).extracting(Lock::key).containsExactly(key + ":a", key + ":b", key + ":c");
            assertThat(all.isHeld()).isTrue();
            assertThat(all.fencingToken(key + ":b")).isPositive();
            assertThat(other.tryLock(key + ":c")).isEmpty();
        }
        assertThat(other.tryLock(key + ":c")).as("released together").isPresent().get().satisfies(Lock::unlock);
    }

    @Test
    void callersWithOverlappingKeysInAnyOrderNeverDeadlockNorOverlap() throws Exception {
        Locker first = newLocker();
        Locker second = newLocker();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<Future<?>> callers = new ArrayList<>();
        for (List<String> keys : List.of(List.of(key + ":x", key + ":y"), List.of(key + ":y", key + ":x"))) {
            Locker locker = callers.isEmpty() ? first : second;
            callers.add(threads.submit(() -> {
                for (int round = 0; round < 30; round++) {
                    try (MultiLock both = locker.lockAll(keys, LockOptions.defaults().withWaitTime(Duration.ofSeconds(20)))) {
                        if (inside.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> caller : callers) {
            caller.get(45, TimeUnit.SECONDS);
        }
        assertThat(overlaps).hasValue(0);
    }

    @Test
    void lockAllHoldsNothingWhenAnEarlierKeysLeaseEndsWhileALaterKeyIsAwaited() throws Exception {
        Locker locker = newLocker();
        Locker other = newLocker();
        Lock later = other.lock(key + ":b");
        Future<Boolean> releasedLater = threads.submit(() -> {
            Thread.sleep(shortLease().multipliedBy(3).toMillis());
            return later.unlock();
        });
        LockOptions shortFixedLease = LockOptions.defaults().withLeaseTime(shortLease()).withKeepAlive(false)
                .withWaitTime(shortLease().multipliedBy(10));

        assertThatThrownBy(() -> locker.lockAll(List.of(key + ":a", key + ":b"), shortFixedLease))
                .isInstanceOf(io.github.locker.LockLostException.class)
                .hasMessageContaining("'" + key + ":a' was lost while lockAll waited").hasMessageContaining("nothing is held");
        assertThat(releasedLater.get(10, TimeUnit.SECONDS)).isTrue();
        for (String one : List.of(key + ":a", key + ":b")) {
            assertThat(other.tryLock(one)).as("%s is free", one).isPresent().get().satisfies(Lock::unlock);
        }
    }

    @Test
    void lockAllRefusesBadKeysBeforeTakingAnything() {
        Locker locker = newLocker();
        assertThatThrownBy(() -> locker.lockAll(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one key");
        assertThatThrownBy(() -> locker.lockAll(Arrays.asList(key, null))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> locker.lockAll(List.of(key), null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(locker.tryLock(key)).as("nothing was taken").isPresent().get().satisfies(Lock::unlock);
    }

    @Test
    void closingTheBackendLeavesALockHeldAtLeastTakenUntilItsTime() throws Exception {
        LockerBackend node = LockerDriver.find(backend().driver()).orElseThrow()
                .connect(BackendConfig.of(backend().driver(), "tck", backend().section()));
        Locker other = newLocker();
        Duration hold = shortLease().multipliedBy(2);
        long before = System.nanoTime();
        Lock lock = node.locker("closing", LockOptions.defaults(), Nodes.PREFIX)
                .lock(key, LockOptions.defaults().withLeaseTime(hold.multipliedBy(5)).withHoldAtLeast(hold));
        assertThat(lock.unlock()).isTrue();

        node.close();

        assertThat(other.tryLock(key)).as("still taken after its backend closed").isEmpty();
        try (Lock next = other.lock(key, LockOptions.defaults().withWaitTime(hold.multipliedBy(5)))) {
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("free once holdAtLeast had passed")
                    .isGreaterThanOrEqualTo(hold);
        }
    }
}
