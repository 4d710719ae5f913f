package io.github.locker.tck.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.locker.LeaderLoop;
import io.github.locker.Lock;
import io.github.locker.LockOptions;
import io.github.locker.Locker;
import io.github.locker.spi.LockerBackend;
import io.github.locker.tck.Nodes;
import io.github.locker.tck.leader.Iterations.Iteration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * TCK case 8, what {@link Locker#runLoop} promises on every driver, on real servers: one leader at
 * a time, hand-over at once on stop or close, a running iteration interrupted by stop, a cut-off
 * leader stepping down before another node leads, a failing body retried. Each node is a locker on
 * a backend connection of its own, as two instances of a service would have. A driver's test
 * extends this class and says how to connect a node and how to cut a node off its backend (for
 * example by disabling its user, or killing the one server it can reach).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class LeaderLoopContract {
    /** The key prefix of every node's locker. */
    protected static final String PREFIX = Nodes.PREFIX;
    /** Long enough that a handover within it can only come from a release, not from the lease ending. */
    protected static final LockOptions LONG_LEASE = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(20));
    /** Short enough to wait for its end in a test; whole seconds, as etcd leases are. */
    protected static final LockOptions SHORT_LEASE = LockOptions.defaults().withLeaseTime(Duration.ofSeconds(3));
    /** How much later than its release (or the end of its lease) a waiting node may start leading. */
    protected static final Duration HANDOVER_SLACK = Duration.ofMillis(1500);
    protected static final Duration SHORT_WORK = Duration.ofMillis(5);
    protected static final Duration ENDLESS_WORK = Duration.ofMinutes(10);

    private final List<LockerBackend> backends = new CopyOnWriteArrayList<>();
    private final List<LeaderLoop> loops = new ArrayList<>();
    /** What the bodies of this test's loops did. */
    protected final Iterations iterations = new Iterations();
    /** A key no other test, nor an earlier run against the same server, uses. */
    protected String key;

    /**
     * @param node the node's name; a driver may use it to place the node (a user, an endpoint)
     * @return a new, independent connection to the backend under test
     */
    protected abstract LockerBackend connectNode(String node);

    /**
     * Cuts {@code node} off its backend, as a network partition or a crashed backend server would,
     * while the other nodes keep working.
     *
     * @param node a node's name, as given to {@link #connectNode}
     */
    protected abstract void cutOff(String node);

    /** @return the name of the driver, for the handover times printed */
    protected abstract String driver();

    @BeforeEach
    void uniqueKey(TestInfo test) {
        key = "loop:" + test.getTestMethod().orElseThrow().getName() + ":" + UUID.randomUUID();
    }

    @AfterEach
    void stopEverything() throws InterruptedException {
        loops.forEach(LeaderLoop::stop);
        for (LeaderLoop loop : loops) {
            assertThat(loop.awaitStopped(Duration.ofSeconds(10))).as("%s stopped", loop).isTrue();
        }
        backends.forEach(LockerBackend::close);
    }

    /**
     * @param name the node's name
     * @return a locker of that name on a new connection of its own, closed after the test
     */
    protected Locker node(String name) {
        LockerBackend backend = connectNode(name);
        backends.add(backend);
        return backend.locker(name, LockOptions.defaults(), PREFIX);
    }

    /**
     * @param node the node
     * @param options the loop's lock options
     * @param work how long each iteration works
     * @return the node's loop, its iterations recorded in {@link #iterations}, stopped after the test
     */
    protected LeaderLoop start(Locker node, LockOptions options, Duration work) {
        return start(node, options, Duration.ZERO, iterations.body(node.name(), work));
    }

    /**
     * @param node the node
     * @param options the loop's lock options
     * @param interval the pause between iterations
     * @param body the loop's body
     * @return the node's loop, stopped after the test
     */
    protected LeaderLoop start(Locker node, LockOptions options, Duration interval, java.util.function.Consumer<Lock> body) {
        LeaderLoop loop = node.runLoop(key, options, interval, body);
        loops.add(loop);
        return loop;
    }

    /** Starts node a's loop, lets it lead, then starts node b's, which waits. */
    LeaderLoop[] aLeadsBWaits(LockOptions options, Duration work) {
        LeaderLoop a = start(node("a"), options, work);
        await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
        LeaderLoop b = start(node("b"), options, work);
        return new LeaderLoop[] {a, b};
    }

    /**
     * Prints a measured time, for the run's log.
     *
     * @param what what was measured
     * @param nanos how long it took
     */
    protected void report(String what, long nanos) {
        System.out.printf("[leader loop on %s] %s: %d ms%n", driver(), what, TimeUnit.NANOSECONDS.toMillis(nanos));
    }

    @Test
    void onlyTheLeaderRunsTheBodyWhileAnotherNodeContends() {
        LeaderLoop[] loops = aLeadsBWaits(LONG_LEASE, SHORT_WORK);
        int before = iterations.count("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= before + 50);

        assertThat(iterations.count("b")).as("iterations of the node that does not hold the lock").isZero();
        assertThat(loops[0].isLeader()).isTrue();
        assertThat(loops[1].isLeader()).isFalse();
        assertThat(iterations.of("a")).extracting(Iteration::token).as("one leadership, one token").containsOnly(
                iterations.of("a").get(0).token());
        assertThat(iterations.mostAtOnce()).isEqualTo(1);
    }

    @Test
    void stoppingTheLeaderReleasesTheLockAndTheOtherNodeTakesOverAtOnce() throws InterruptedException {
        LeaderLoop[] loops = aLeadsBWaits(LONG_LEASE, SHORT_WORK);
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= 10);

        long stoppedAt = System.nanoTime();
        loops[0].stop();
        assertThat(loops[0].awaitStopped(Duration.ofSeconds(2))).as("the leader's loop ended").isTrue();
        report("stop() returned to loop ended", System.nanoTime() - stoppedAt);
        await().atMost(HANDOVER_SLACK).until(() -> iterations.count("b") >= 10);

        long handover = iterations.firstStart("b") - stoppedAt;
        report("stop() of the leader to the other node's first iteration", handover);
        assertThat(Duration.ofNanos(handover)).as("handover after a release, far inside the 20 s lease")
                .isLessThan(HANDOVER_SLACK);
        assertThat(loops[0].isLeader()).isFalse();
        assertThat(loops[1].isLeader()).isTrue();
        assertThat(iterations.of("b").get(0).token()).as("the new leader's fencing token")
                .isGreaterThan(iterations.of("a").get(0).token());
        assertThat(iterations.mostAtOnce()).isEqualTo(1);
    }

    @Test
    void stopInterruptsARunningIterationAndReleasesTheLock() throws InterruptedException {
        Locker a = node("a");
        LeaderLoop loop = start(a, LONG_LEASE, ENDLESS_WORK);
        await().atMost(Duration.ofSeconds(10)).until(loop::isLeader);

        long stoppedAt = System.nanoTime();
        loop.stop();
        assertThat(loop.awaitStopped(Duration.ofSeconds(2))).isTrue();
        report("stop() of a loop inside a 10-minute iteration to loop ended", System.nanoTime() - stoppedAt);

        assertThat(iterations.of("a")).singleElement().extracting(Iteration::interrupted).isEqualTo(true);
        try (Lock other = node("c").tryLock(key).orElseThrow(() -> new AssertionError("the lock is still held"))) {
            assertThat(other.isHeld()).isTrue();
        }
    }

    @Test
    void stopEndsAWaitForTheLockWithoutTouchingTheLeader() throws InterruptedException {
        LeaderLoop[] loops = aLeadsBWaits(LONG_LEASE, SHORT_WORK);
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= 10);

        loops[1].stop();
        assertThat(loops[1].awaitStopped(Duration.ofSeconds(2))).as("the waiting loop ended").isTrue();
        int before = iterations.count("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= before + 10);
        assertThat(loops[0].isLeader()).isTrue();
        assertThat(iterations.count("b")).isZero();
    }

    @Test
    void theIntervalSeparatesIterations() {
        Duration interval = Duration.ofMillis(300);
        start(node("a"), LONG_LEASE, interval, iterations.body("a", Duration.ZERO));
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= 4);

        List<Iteration> runs = iterations.of("a");
        for (int i = 1; i < runs.size(); i++) {
            assertThat(Duration.ofNanos(runs.get(i).startNanos() - runs.get(i - 1).endNanos()))
                    .as("pause before iteration %d", i).isGreaterThanOrEqualTo(interval);
        }
    }

    @Test
    void aFailingBodyKeepsTheLeadershipAndRunsAgainASecondLater() {
        List<Long> attempts = new CopyOnWriteArrayList<>();
        List<Long> tokens = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        LeaderLoop loop = start(node("a"), LONG_LEASE, Duration.ZERO, lock -> {
            attempts.add(System.nanoTime());
            tokens.add(lock.fencingToken());
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the first iteration fails, on purpose");
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 3);

        assertThat(Duration.ofNanos(attempts.get(1) - attempts.get(0))).as("pause after the failure")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(tokens).as("the same leadership throughout").containsOnly(tokens.get(0));
        assertThat(loop.isLeader()).isTrue();
    }

    @Test
    void anErrorInTheBodyEndsTheLoopReleasesTheLockAndReachesTheThreadsUncaughtExceptionHandler() throws Exception {
        CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            if (thread.getName().startsWith("locker-loop-")) {
                uncaught.complete(failure);
            } else if (previous != null) {
                previous.uncaughtException(thread, failure);
            }
        });
        try {
            Error fatal = new StackOverflowError("the body's Error, on purpose");
            LeaderLoop loop = start(node("a"), LONG_LEASE, Duration.ZERO, lock -> {
                throw fatal;
            });

            assertThat(uncaught.get(10, TimeUnit.SECONDS)).as("the Error, on the loop thread's handler").isSameAs(fatal);
            assertThat(loop.isStopped()).as("ended before the handler saw the Error").isTrue();
            assertThat(loop.isLeader()).isFalse();
            try (Lock other = node("c").tryLock(key).orElseThrow(() -> new AssertionError("the lock is still held"))) {
                assertThat(other.isHeld()).isTrue();
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void closingTheLeadersBackendStopsItsLoopAndHandsOverAtOnce() {
        LeaderLoop[] loops = aLeadsBWaits(LONG_LEASE, SHORT_WORK);
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.count("a") >= 10);

        LockerBackend nodeA = backends.get(0);
        long closedAt = System.nanoTime();
        nodeA.close();
        backends.remove(nodeA);
        assertThat(loops[0].isStopped()).as("the loop ended before close() returned").isTrue();
        await().atMost(HANDOVER_SLACK).until(() -> iterations.firstStart("b") != null);
        report("close() of the leader's backend to the other node's first iteration",
                iterations.firstStart("b") - closedAt);
        assertThat(iterations.mostAtOnce()).isEqualTo(1);
    }

    @Test
    void aLeaderCutOffItsBackendStepsDownBeforeTheOtherNodeTakesOver() {
        LeaderLoop[] loops = aLeadsBWaits(SHORT_LEASE, ENDLESS_WORK);
        await().atMost(Duration.ofSeconds(10)).until(() -> iterations.firstStart("a") != null);

        long cutAt = System.nanoTime();
        cutOff("a");
        await().atMost(SHORT_LEASE.leaseTime().plus(HANDOVER_SLACK).plusSeconds(1))
                .until(() -> iterations.firstStart("b") != null);

        long handover = iterations.firstStart("b") - cutAt;
        Iteration lastOfA = iterations.of("a").get(0);
        report("cut-off leader stepped down after", lastOfA.endNanos() - cutAt);
        report("cut-off leader to the other node's first iteration (lease 3 s)", handover);
        assertThat(lastOfA.interrupted()).as("the cut-off leader's iteration was interrupted").isTrue();
        assertThat(lastOfA.endNanos()).as("the old leader's body ended before the new leader's began")
                .isLessThan(iterations.firstStart("b"));
        assertThat(Duration.ofNanos(handover)).isLessThan(SHORT_LEASE.leaseTime().plus(HANDOVER_SLACK));
        assertThat(loops[0].isLeader()).isFalse();
        assertThat(loops[1].isLeader()).isTrue();
        assertThat(iterations.mostAtOnce()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreRejectedNamingThemAndStartNothing() {
        Locker a = node("a");
        assertThatThrownBy(() -> a.runLoop(key, LONG_LEASE, Duration.ofMillis(-1), lock -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval").hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> a.runLoop(key, LONG_LEASE, Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
        assertThatThrownBy(() -> a.runLoop(" ", LONG_LEASE, Duration.ZERO, lock -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThat(a.tryLock(key)).as("nothing took the lock").isPresent().get().satisfies(Lock::unlock);
    }
}
