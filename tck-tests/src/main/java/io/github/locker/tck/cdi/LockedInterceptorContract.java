package io.github.locker.tck.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.locker.Lock;
import io.github.locker.LockLostException;
import io.github.locker.LockNotAcquiredException;
import io.github.locker.LockOptions;
import io.github.locker.LockTimeoutException;
import io.github.locker.Locker;
import io.github.locker.tck.TckBackend;
import io.github.locker.tck.servers.ServerProcess;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.inject.Inject;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code @Locked} interceptor against a real backend, on whatever container runs the TCK
 * (Arquillian): what a method under the lock may rely on, for every driver. A run extends this
 * class with a static {@code @Deployment} method returning {@link #deployment(TckBackend)} and
 * names its backend.
 */
@ExtendWith(ArquillianExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class LockedInterceptorContract {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private String name;

    @Inject
    GuardedBeans.Guarded guarded;
    @Inject
    GuardedBeans.LossWitness witness;
    @Inject
    Locker locker;

    /** @return the driver and server under test */
    protected abstract TckBackend backend();

    /**
     * @param backend the driver and server under test
     * @return the deployment: the guarded beans, and the {@link #configuration} of that backend
     */
    public static JavaArchive deployment(TckBackend backend) {
        return BeanArchives.of(configuration(backend), GuardedBeans.Guarded.class, GuardedBeans.Nested.class,
                GuardedBeans.LossWitness.class, GuardedBeans.StandInTransactional.class,
                GuardedBeans.StandInTransactionInterceptor.class, Beans.User.class);
    }

    /**
     * @param backend the driver and server under test
     * @return the MicroProfile Config of one locker {@code main} on that backend, with a lease of
     *     its {@link TckBackend#shortLease()}
     */
    public static String configuration(TckBackend backend) {
        return backend.configuration("main") + "locker.main.lease-time=" + backend.shortLease().toMillis() + "ms\n";
    }

    private ServerProcess server() {
        return backend().server();
    }

    @BeforeEach
    void uniqueName() {
        name = UUID.randomUUID().toString();
    }

    @AfterEach
    void stopThreadsAndServerRunning() {
        threads.shutdownNow();
        if (!server().isRunning()) {
            server().start();
        }
    }

    @Test
    void twoThreadsOnOneKeyNeverOverlapAndDifferentKeysRunInParallel() throws Exception {
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(threads.submit(() -> {
                guarded.section(name, 50);
                return null;
            }));
        }
        for (Future<?> call : calls) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(guarded.takeMostInsideAtOnce()).as("callers inside at once on one key").isEqualTo(1);

        List<Future<?>> parallel = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String own = name + ":" + i;
            parallel.add(threads.submit(() -> {
                guarded.section(own, 500);
                return null;
            }));
        }
        for (Future<?> call : parallel) {
            call.get(30, TimeUnit.SECONDS);
        }
        assertThat(guarded.takeMostInsideAtOnce()).as("callers inside at once on four keys").isGreaterThan(1);
    }

    @Test
    void skipDoesNotCallTheMethodAndReturnsNothing() throws Exception {
        try (Lock held = locker.lock("skip:" + name)) {
            assertThat(elsewhere(() -> guarded.skipWhenBusy(name))).isEmpty();
            assertThat(elsewhere(() -> guarded.countWhenFree(name))).as("a primitive's nothing").isZero();
        }
        assertThat(guarded.skipWhenBusy(name)).contains("ran");
    }

    @Test
    void severalKeysAreTakenTogetherEachWithItsTokenAndCrossedTransfersNeverDeadlock() throws Exception {
        String alice = name + ":alice";
        String bob = name + ":bob";
        guarded.takeMostInsideAtOnce();
        List<Future<?>> transfers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            boolean aliceFirst = i % 2 == 0;
            transfers.add(threads.submit(() -> aliceFirst ? guarded.transfer(alice, bob) : guarded.transfer(bob, alice)));
        }
        for (Future<?> transfer : transfers) {
            assertThat((List<?>) transfer.get(40, TimeUnit.SECONDS)).as("a token per key").hasSize(2);
        }
        assertThat(guarded.takeMostInsideAtOnce()).as("transfers between the same two accounts inside at once").isEqualTo(1);

        try (Lock held = locker.lock("account:" + bob)) {
            assertThat(elsewhere(() -> guarded.transfer(alice, name + ":carol"))).as("another pair of accounts is free")
                    .hasSize(2);
        }
        assertThat(locker.tryLock("account:" + alice)).as("every key released after the calls").isPresent().get()
                .satisfies(Lock::unlock);
    }

    @Test
    void sharedCallsRunTogetherAndNeverBesideAnExclusiveHolder() throws Exception {
        assertThat(together(4, () -> guarded.readReport(name, 300))).as("a token per call").hasSize(4);
        assertThat(guarded.takeMostInsideAtOnce()).as("shared callers inside at once").isGreaterThan(1);

        Lock written = locker.lock("report:" + name);
        Future<Long> read = threads.submit(() -> guarded.readReport(name, 0));
        Thread.sleep(300);
        assertThat(read).as("a shared call waits for the exclusive holder").isNotDone();
        written.unlock();
        assertThat(read.get(20, TimeUnit.SECONDS)).as("its token follows the writer's").isGreaterThan(written.fencingToken());
    }

    @Test
    void aPermitsMethodHasAtMostThatManyCallersInside() throws Exception {
        List<Long> tokens = together(5, () -> guarded.callProvider(name, 200));
        assertThat(tokens).as("a token per permit").hasSize(5).doesNotHaveDuplicates();
        assertThat(guarded.takeMostInsideAtOnce()).as("callers inside at once with 2 permits").isEqualTo(2);
        assertThat(locker.tryLock("provider:" + name)).as("the semaphore is apart from the lock of its key").isPresent()
                .get().satisfies(Lock::unlock);
    }

    /** @return the results of {@code count} calls started at once on threads of their own */
    private <T> List<T> together(int count, Callable<T> call) throws Exception {
        List<Future<T>> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            calls.add(threads.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> each : calls) {
            results.add(each.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @Test
    void holdAtLeastMakesALateTickOnAnotherThreadSkipUntilItsTimeHasPassed() throws Exception {
        long ranAt = System.nanoTime();
        assertThat(guarded.tick(name)).as("the first tick runs").isTrue();
        assertThat(elsewhere(() -> guarded.tick(name))).as("a late tick, after the first returned, is skipped").isFalse();
        assertThat(elsewhere(() -> locker.tryLock("tick:" + name))).as("the lock is still taken").isEmpty();

        Thread.sleep(Math.max(0, Duration.ofSeconds(3).minusNanos(System.nanoTime() - ranAt).toMillis()) + 1_500);
        assertThat(elsewhere(() -> guarded.tick(name))).as("the next tick, once the 3 s have passed").isTrue();
    }

    @Test
    void failMakesOneAttempt() throws Exception {
        try (Lock held = locker.lock("fail:" + name)) {
            assertThatThrownBy(() -> elsewhere(() -> guarded.failWhenBusy(name)))
                    .hasCauseExactlyInstanceOf(LockNotAcquiredException.class);
        }
        assertThat(guarded.failWhenBusy(name)).isEqualTo("ran");
    }

    @Test
    void waitEndsInTimeoutAfterTheWaitTime() throws Exception {
        try (Lock held = locker.lock("wait:" + name)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> elsewhere(() -> guarded.waitBriefly(name)))
                    .hasCauseInstanceOf(LockTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
        assertThat(guarded.waitBriefly(name)).isEqualTo("ran");
    }

    @Test
    void theLockIsReleasedWhenTheMethodThrows() {
        assertThatThrownBy(() -> guarded.boom(name)).isInstanceOf(IllegalStateException.class)
                .hasMessage("business failure in " + name);
        Optional<Lock> free = locker.tryLock("boom:" + name);
        assertThat(free).isPresent();
        free.get().unlock();
    }

    @Test
    void anAsyncMethodHoldsTheLockUntilItsStageCompletes() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        CompletableFuture<Long> result = guarded.async(name, started, finish);
        started.get(10, TimeUnit.SECONDS);
        assertThat(elsewhere(() -> locker.tryLock("async:" + name))).as("held after the method returned").isEmpty();
        finish.complete(null);
        long token = result.get(10, TimeUnit.SECONDS);
        assertReleasedAfter("async:" + name, token);
    }

    @Test
    void anAsyncMethodNeverBlocksItsCallerWhileTheLockIsHeldElsewhere() throws Exception {
        Lock holder = elsewhere(() -> locker.lock("async:" + name));
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = CompletableFuture.completedFuture(null);
        Future<CompletableFuture<Long>> call = threads.submit(() -> guarded.async(name, started, finish));

        CompletableFuture<Long> result = call.get(10, TimeUnit.SECONDS); // returned while the lock is held elsewhere
        assertThat(started).as("the method waits for the lock, not its caller").isNotDone();
        assertThat(result).isNotDone();
        elsewhere(holder::unlock);
        assertThat(result.get(10, TimeUnit.SECONDS)).isGreaterThan(holder.fencingToken());
    }

    @Test
    void aUniTakesTheLockWhenSubscribedAndReleasesItWhenItTerminates() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        Uni<Long> uni = guarded.uni(name, started, finish);
        assertThat(started).as("nothing runs before the subscription").isNotDone();

        CompletableFuture<Long> result = uni.subscribeAsCompletionStage();
        started.get(10, TimeUnit.SECONDS);
        assertThat(elsewhere(() -> locker.tryLock("uni:" + name))).as("held while the Uni runs").isEmpty();
        finish.complete(null);
        long token = result.get(10, TimeUnit.SECONDS);
        assertReleasedAfter("uni:" + name, token);
    }

    @Test
    void aUniCancelledWhileItHoldsTheLockReleasesIt() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        Cancellable subscription = guarded.uni(name, started, new CompletableFuture<>()).subscribe().with(item -> { });
        started.get(10, TimeUnit.SECONDS);

        subscription.cancel();

        try (Lock next = elsewhere(() -> locker.lock("uni:" + name, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5))))) {
            assertThat(next.isHeld()).as("released on cancellation, not at the lease end").isTrue();
        }
    }

    @Test
    void aUniCancelledWhileItWaitsNeverRunsTheMethod() throws Exception {
        Lock holder = elsewhere(() -> locker.lock("uni:" + name));
        CompletableFuture<Void> started = new CompletableFuture<>();
        Cancellable subscription = guarded.uni(name, started, CompletableFuture.completedFuture(null)).subscribe()
                .with(item -> { });
        Thread.sleep(200);

        subscription.cancel();
        elsewhere(holder::unlock);

        try (Lock next = elsewhere(() -> locker.lock("uni:" + name, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5))))) {
            assertThat(next.isHeld()).isTrue();
        }
        assertThat(started).as("the cancelled Uni's method never ran").isNotDone();
    }

    @Test
    void aMultiHoldsTheLockUntilItCompletes() throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        CompletableFuture<Void> finish = new CompletableFuture<>();
        CompletableFuture<List<Long>> items = guarded.multi(name, started, finish).collect().asList().subscribeAsCompletionStage();
        started.get(10, TimeUnit.SECONDS);
        assertThat(elsewhere(() -> locker.tryLock("multi:" + name))).as("held while the Multi runs").isEmpty();
        finish.complete(null);
        List<Long> tokens = items.get(10, TimeUnit.SECONDS);
        assertThat(tokens).hasSize(1);
        assertReleasedAfter("multi:" + name, tokens.get(0));
    }

    private void assertReleasedAfter(String key, long token) throws Exception {
        try (Lock next = elsewhere(() -> locker.lock(key, LockOptions.defaults().withWaitTime(Duration.ofSeconds(5))))) {
            assertThat(next.fencingToken()).as("released when the result completed").isGreaterThan(token);
        }
    }

    @Test
    void nestedCallsOnTheSameKeyReenter() {
        long token = guarded.outer(name);
        assertThat(token).isPositive();
    }

    @Test
    void lockContextShowsTheLockOfTheRunningMethod() {
        long inside = guarded.token(new Beans.User("u42", "Ada"), "2026-11-25");
        try (Lock next = locker.lock("user:u42:2026-11-25")) {
            assertThat(next.fencingToken()).as("the token the method saw was the lock's, the last issued").isGreaterThan(inside);
        }
    }

    @Test
    void theLockIsTakenBeforeTheTransactionBeginsAndReleasedAfterItCommits() {
        List<String> journal = new CopyOnWriteArrayList<>();
        guarded.transactional(name, journal);
        assertThat(journal).containsExactly("begin, lock held: true", "business method", "commit, lock held: true");
        Optional<Lock> free = locker.tryLock("tx:" + name);
        assertThat(free).as("released after the commit").isPresent();
        free.get().unlock();
    }

    @Test
    void aLeaseLostWhileTheMethodRunsIsAnnouncedAndFailsTheCall() throws Exception {
        assertThatThrownBy(() -> guarded.outliveTheLease(name, pauseTheServerUntilTheLossIsSeen(backend(), witness, "lost:" + name)))
                .isInstanceOf(LockLostException.class).hasMessageContaining("lost:" + name);
        assertThat(witness.seen()).anySatisfy(lost -> {
            assertThat(lost.key()).isEqualTo("lost:" + name);
            assertThat(lost.locker()).isEqualTo("main");
        });
    }

    /**
     * @param backend the backend whose server to pause
     * @param witness the observer of {@link io.github.locker.LockLost} events
     * @param key the key of the lock the method runs under
     * @return what a method under a lock runs to outlive its lease: it pauses the server until the
     *     lease is seen lost (within five leases), then resumes it
     */
    public static Runnable pauseTheServerUntilTheLossIsSeen(TckBackend backend, GuardedBeans.LossWitness witness, String key) {
        return () -> {
            backend.server().pause();
            try {
                assertThat(witness.awaitLossOf(key, backend.shortLease().multipliedBy(5).toMillis()))
                        .as("LockLost observed while the method still runs").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                backend.server().resume();
            }
        };
    }

    /** Calls from another thread: the test thread may hold the lock, and would re-enter it. */
    private <T> T elsewhere(Callable<T> call) throws Exception {
        return threads.submit(call).get(30, TimeUnit.SECONDS);
    }
}
