package io.github.locker.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.Lock;
import io.github.locker.LockLostException;
import io.github.locker.LockOptions;
import io.github.locker.MultiLock;
import io.github.locker.Locker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every driver's asynchronous acquisition must do, on a real server: wait without a thread,
 * give up cleanly when its caller does, and hand the caller a stage only the locker completes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class AsyncLockerContract {
    /** How many acquisitions wait at once in the thread-count case. */
    protected static final int PENDING_ACQUISITIONS = 10_000;
    /** How many more platform threads the JVM may start while they wait: the library's, bounded, not one per waiter. */
    private static final int MOST_NEW_THREADS = 16;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    final Nodes nodes = new Nodes(backend());
    /** A key no other test uses. */
    protected String key;

    /** @return the driver and server under test */
    protected abstract TckBackend backend();

    /**
     * What a lock leaves on the backend, read from the backend itself: after every holder released
     * and every waiter gave up, there must be nothing.
     *
     * @param key a key of a locker made by {@link Nodes} (prefix {@link Nodes#PREFIX})
     * @return how many entries the backend keeps for the key: the holder's and the waiters' (Redis:
     *     the lock key and the members of its waiters set; etcd: the keys under the lock's name). A
     *     fencing counter that must outlive the lock is not one.
     */
    protected abstract long entriesFor(String key);

    @BeforeEach
    void takeKey() {
        key = nodes.key();
    }

    @Test
    void tenThousandPendingAcquisitionsAreAllServedWithoutAThreadEach() throws Exception {
        Locker locker = nodes.newLocker();
        Lock holder = locker.lock(key);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch served = new CountDownLatch(PENDING_ACQUISITIONS);
        for (int i = 0; i < PENDING_ACQUISITIONS; i++) {
            locker.lockAsync(key, LockOptions.defaults()).thenCompose(lock -> {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                inside.decrementAndGet();
                return lock.unlockAsync();
            }).whenComplete((released, failure) -> {
                if (failure != null) {
                    failures.add(failure);
                }
                served.countDown();
            });
        }
        int threadsWhileWaiting = threads.getThreadCount();
        long start = System.nanoTime();
        holder.unlock();

        assertThat(served.await(100, TimeUnit.SECONDS)).as("all %d served; %d left", PENDING_ACQUISITIONS, served.getCount())
                .isTrue();
        System.out.printf("%s: %d pending acquisitions served in %d ms; threads %d before, %d while waiting, peak %d%n",
                getClass().getSimpleName(), PENDING_ACQUISITIONS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                threadsBefore, threadsWhileWaiting, threads.getPeakThreadCount());
        assertThat(failures).isEmpty();
        assertThat(overlaps).as("acquisitions that overlapped another").hasValue(0);
        assertThat(threads.getPeakThreadCount() - threadsBefore).as("platform threads started while they waited")
                .isLessThanOrEqualTo(MOST_NEW_THREADS);
        await().atMost(PATIENCE).until(() -> entriesFor(key) == 0);
    }

    @Test
    void cancellingAPendingAcquisitionLeavesNoLockAndNoWaiterBehind() throws Exception {
        Lock holder = nodes.newLocker().lock(key);
        CompletableFuture<Lock> pending = nodes.newLocker().lockAsync(key, LockOptions.defaults()).toCompletableFuture();
        await().atMost(PATIENCE).until(() -> entriesFor(key) == 2); // the holder and its waiter

        assertThat(pending.cancel(false)).isTrue();

        await().atMost(PATIENCE).until(() -> entriesFor(key) == 1);
        assertThat(holder.unlock()).isTrue();
        assertThat(entriesFor(key)).as("entries once the holder released").isZero();
        try (Lock next = nodes.newLocker().lock(key, LockOptions.defaults().withWaitTime(Duration.ZERO))) {
            assertThat(next.isHeld()).as("nobody took the lock behind the cancelled stage").isTrue();
        }
    }

    @Test
    void cancellingAPendingLockAllReleasesTheKeysItTookAndLeavesNoWaiter() throws Exception {
        String first = key + ":1";
        String second = key + ":2";
        Lock holder = nodes.newLocker().lock(second);
        CompletableFuture<MultiLock> pending = nodes.newLocker().lockAllAsync(List.of(second, first), LockOptions.defaults())
                .toCompletableFuture();
        await().atMost(PATIENCE).until(() -> entriesFor(first) == 1 && entriesFor(second) == 2); // took the first, waits

        assertThat(pending.cancel(false)).isTrue();

        await().atMost(PATIENCE).until(() -> entriesFor(first) == 0 && entriesFor(second) == 1);
        assertThat(holder.unlock()).isTrue();
        try (MultiLock both = nodes.newLocker().lockAll(List.of(first, second), LockOptions.defaults().withWaitTime(Duration.ZERO))) {
            assertThat(both.isHeld()).as("nobody kept a key behind the cancelled stage").isTrue();
        }
    }

    @Test
    void orTimeoutOnAPendingAcquisitionAbortsIt() {
        Lock holder = nodes.newLocker().lock(key);
        CompletableFuture<Lock> pending = nodes.newLocker().lockAsync(key, LockOptions.defaults()).toCompletableFuture()
                .orTimeout(500, TimeUnit.MILLISECONDS);

        assertThatThrownBy(pending::get).hasCauseInstanceOf(TimeoutException.class);
        await().atMost(PATIENCE).until(() -> entriesFor(key) == 1);
        assertThat(holder.unlock()).isTrue();
        assertThat(entriesFor(key)).isZero();
    }

    @Test
    void anAcquisitionGivenUpAsItWinsReleasesTheLockAtOnce() throws Exception {
        Locker giving = nodes.newLocker();
        Locker other = nodes.newLocker();
        for (int round = 0; round < 40; round++) {
            String roundKey = key + ":" + round;
            CompletableFuture<Lock> pending = giving.lockAsync(roundKey, LockOptions.defaults()).toCompletableFuture();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50L * round)); // from before the answer to after it
            if (!pending.cancel(false)) {
                pending.join().unlock(); // too late to give up: the stage had completed, the lock is ours
            }
            // a 60 s lease: a lock left held would make this wait time out
            try (Lock next = other.lock(roundKey, LockOptions.defaults().withWaitTime(PATIENCE))) {
                assertThat(next.isHeld()).isTrue();
            }
            await().atMost(PATIENCE).until(() -> entriesFor(roundKey) == 0);
        }
    }

    @Test
    void onlyTheLockerCompletesTheStage() {
        Lock holder = nodes.newLocker().lock(key);
        CompletableFuture<Lock> pending = nodes.newLocker().lockAsync(key, LockOptions.defaults()).toCompletableFuture();

        assertThatThrownBy(() -> pending.complete(holder)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Only the locker completes this stage");
        assertThatThrownBy(() -> pending.obtrudeValue(holder)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> pending.completeOnTimeout(holder, 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(pending).isNotDone();
        holder.unlock();
        Lock mine = pending.join();
        assertThat(mine.isHeld()).isTrue();
        assertThat(mine.fencingToken()).isGreaterThan(holder.fencingToken());
        mine.unlock();
    }

    @Test
    void tryLockAsyncIsEmptyWhileHeldAndPresentOnceFree() throws Exception {
        Locker locker = nodes.newLocker();
        Lock holder = nodes.newLocker().lock(key);
        assertThat(locker.tryLockAsync(key).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        holder.unlock();
        Optional<Lock> free = locker.tryLockAsync(key).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(free).isPresent();
        assertThat(free.get().unlockAsync().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(entriesFor(key)).isZero();
    }

    @Test
    void callAsyncHoldsTheLockUntilTheActionsStageCompletes() throws Exception {
        Locker locker = nodes.newLocker();
        Locker other = nodes.newLocker();
        CompletableFuture<Void> finishWork = new CompletableFuture<>();
        CompletableFuture<String> result = locker.callAsync(key, LockOptions.defaults(), () -> finishWork.thenApply(done -> "done"))
                .toCompletableFuture();
        await().atMost(PATIENCE).until(() -> entriesFor(key) == 1);
        assertThat(other.tryLock(key)).as("held while the action's stage runs").isEmpty();

        finishWork.complete(null);

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(other.tryLock(key)).as("released once it completed").hasValueSatisfying(Lock::unlock);
    }

    @Test
    void callAsyncFailsWithTheActionsFailureAndReleases() {
        Locker locker = nodes.newLocker();
        IllegalStateException refused = new IllegalStateException("refused by the action");
        CompletableFuture<Object> result = locker.callAsync(key, LockOptions.defaults(),
                () -> CompletableFuture.failedFuture(refused)).toCompletableFuture();

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isSameAs(refused);
        assertThat(nodes.newLocker().tryLock(key)).hasValueSatisfying(Lock::unlock);
    }

    @Test
    void callAsyncTellsALeaseLostWhileTheActionRan() {
        Locker locker = nodes.newLocker();
        Duration lease = backend().shortLease();
        CompletableFuture<String> result = locker.callAsync(key, LockOptions.defaults().withLeaseTime(lease).withKeepAlive(false),
                () -> CompletableFuture.supplyAsync(() -> "late",
                        CompletableFuture.delayedExecutor(lease.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS)))
                .toCompletableFuture();

        assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(LockLostException.class)
                .hasMessageContaining(key);
    }

    @Test
    void cancellingCallAsyncWhileItWaitsNeverRunsTheAction() throws Exception {
        Lock holder = nodes.newLocker().lock(key);
        AtomicInteger ran = new AtomicInteger();
        CompletableFuture<Object> result = nodes.newLocker().callAsync(key, LockOptions.defaults(), () -> {
            ran.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }).toCompletableFuture();
        await().atMost(PATIENCE).until(() -> entriesFor(key) == 2);

        result.cancel(false);

        await().atMost(PATIENCE).until(() -> entriesFor(key) == 1);
        holder.unlock();
        assertThatThrownBy(result::join).isInstanceOf(CancellationException.class);
        Thread.sleep(200);
        assertThat(ran).hasValue(0);
        assertThat(entriesFor(key)).isZero();
    }

    @Test
    void badArgumentsAreRejectedAtTheCallNotInTheStage() {
        Locker locker = nodes.newLocker();
        for (Runnable call : List.<Runnable>of(() -> locker.lockAsync(" ", LockOptions.defaults()),
                () -> locker.tryLockAsync(key, null), () -> locker.callAsync(key, LockOptions.defaults(), null))) {
            assertThatThrownBy(call::run).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be");
        }
    }
}
