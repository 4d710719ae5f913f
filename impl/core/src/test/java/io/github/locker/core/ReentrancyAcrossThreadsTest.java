package io.github.locker.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.AcquisitionListener;
import io.github.locker.spi.Deadline;
import io.github.locker.spi.Lease;
import io.github.locker.spi.LockEngine;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reentrancy the core counts per thread, when a lock is unlocked on a thread other than the one that took it. */
class ReentrancyAcrossThreadsTest {
    private final GrantingEngine engine = new GrantingEngine();
    private final DriverRuntime runtime = new DriverRuntime("locker-test");
    private final Locker locker = runtime.locker("main", LockOptions.defaults(), engine, lost -> { });
    /** Thread A: takes the locks, and stays alive throughout, as a pooled thread does. */
    private final ExecutorService acquirer = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        acquirer.shutdownNow();
        runtime.close();
    }

    @Test
    void aDriverWithoutHoldAtLeastReleasesAtOnceAndSaysSo() throws Exception {
        Lock lock = locker.lock("k", LockOptions.defaults().withHoldAtLeast(Duration.ofSeconds(30)));

        assertThatThrownBy(lock::unlock).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("holdAtLeast");
        assertThat(acquirer.submit(() -> locker.tryLock("k")).get(10, TimeUnit.SECONDS))
                .as("released, not left renewed by nobody").isPresent().get().satisfies(Lock::unlock);
    }

    @Test
    void afterAnUnlockOnAnotherThreadTheAcquirersNextLockIsAFreshAcquisition() throws Exception {
        Lock first = acquirer.submit(() -> locker.lock("k")).get(10, TimeUnit.SECONDS);
        assertThat(first.unlock()).as("unlocked on the test thread").isTrue();

        Lock next = acquirer.submit(() -> locker.lock("k")).get(10, TimeUnit.SECONDS);
        assertThat(next.isHeld()).isTrue();
        assertThat(next.fencingToken()).as("a new lease, not a reentry into the released one")
                .isGreaterThan(first.fencingToken());
        assertThat(acquirer.submit(next::unlock).get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aLockUnlockedOnAnotherThreadIsNoLongerKeptByTheThreadThatTookIt() throws Exception {
        Lock lock = acquirer.submit(() -> locker.lock("k")).get(10, TimeUnit.SECONDS);
        WeakReference<Lease> lease = engine.lastGranted;
        assertThat(lock.unlock()).isTrue();
        lock = null;

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (lease.get() != null && System.nanoTime() < deadline) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(20);
        }
        assertThat(lease.get()).as("the released lease, still reachable from its acquirer's reentrancy count").isNull();
    }

    /** Grants a free key at once and answers null for a held one: enough of an engine to test what the core adds. */
    private static final class GrantingEngine implements LockEngine {
        private final Map<String, Lease> held = new ConcurrentHashMap<>();
        private final AtomicLong tokens = new AtomicLong();
        volatile WeakReference<Lease> lastGranted;

        @Override
        public CompletableFuture<Lease> acquire(String key, LockOptions options, Deadline deadline,
                AcquisitionListener listener) {
            Lease lease = new GrantedLease(key, tokens.incrementAndGet(), System.nanoTime() + options.leaseTime().toNanos(),
                    new AtomicBoolean(), held::remove);
            if (held.putIfAbsent(key, lease) != null) {
                return CompletableFuture.completedFuture(null);
            }
            lastGranted = new WeakReference<>(lease);
            return CompletableFuture.completedFuture(lease);
        }

        @Override
        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        @Override
        public String describe() {
            return "a granting engine";
        }

        /** A lease that ends at its time or when released, then told to {@code forget}. */
        private record GrantedLease(String key, long fencingToken, long expiresAtNanos, AtomicBoolean released,
                BiConsumer<String, Lease> forget) implements Lease {

            @Override
            public boolean isHeld() {
                return !released.get() && System.nanoTime() - expiresAtNanos < 0;
            }

            @Override
            public CompletableFuture<Boolean> release() {
                boolean wasHeld = isHeld();
                if (!released.compareAndSet(false, true)) {
                    return CompletableFuture.completedFuture(false);
                }
                forget.accept(key, this);
                return CompletableFuture.completedFuture(wasHeld);
            }
        }
    }
}
