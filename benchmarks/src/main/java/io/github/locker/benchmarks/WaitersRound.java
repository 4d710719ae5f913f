package io.github.locker.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One round of {@link AsyncWaitersBenchmark} for one library: holders take the keys, the waiters
 * ask for them asynchronously, and once they all wait the holders let go. Counts the JVM's live
 * threads and its used heap before the waiters are issued and while they all wait, the peak of
 * threads until the last is served, and the time from the holders' release to the last waiter's.
 *
 * <p>The holders are a second node of the same library (a {@link LockClient} of the subject): a
 * release must wake waiters the way that library wakes them, and the waiters' client is then the
 * same as an application's that only waits.
 */
final class WaitersRound {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** How often {@link #settle} looks, and how many quiet looks in a row make "nothing happens". */
    private static final Duration SETTLE_SAMPLE = Duration.ofMillis(250);
    private static final int QUIET_SAMPLES = 2;
    /** Each look is an INFO on the server: that one command, and a margin, do not count as activity. */
    private static final double PROBE_COMMANDS_PER_SAMPLE = 3;
    /** Under a tenth of one core: timers and the probe, not a library at work. */
    private static final double IDLE_CPU_SHARE = 0.1;
    /** A library still busy after this has not gone quiet: the round goes on, and says so. */
    private static final Duration SETTLE_BOUND = Duration.ofMinutes(1);
    /** 10,000 waiters served one by one at a few hundred µs each take seconds; past this the lock is broken. */
    private static final Duration SERVE_BOUND = Duration.ofMinutes(5);

    /** How the waiters share keys. */
    enum Scenario {
        /** Every waiter on the one key a single holder holds: they are served one after another. */
        ONE_KEY,
        /** A key of its own, with a holder of its own, for each waiter: they are served side by side. */
        KEY_EACH;

        int keys(int waiters) {
            return this == ONE_KEY ? 1 : waiters;
        }

        int keyOf(int waiter) {
            return this == ONE_KEY ? 0 : waiter;
        }
    }

    /**
     * What a round measured. Thread counts are of the whole JVM, differences against the count just
     * before the waiters were issued unless said otherwise.
     *
     * @param threadsAtRest threads the waiters' node added by connecting and serving one waiter
     * @param threadsWaiting threads added while all the waiters wait
     * @param peakThreads the most threads added at any moment until the last waiter was served
     * @param newThreadsByName {@code threadsWaiting} by thread name without numbers, where positive
     * @param heapPerWaiter used heap after full GC while all wait, less before, per waiter, in bytes
     * @param issueMillis how long the caller took to make the waiters' calls
     * @param serveMillis from the holders' release until the last waiter had taken and released its lock
     * @param threadsLeftAfterClose threads still alive after both nodes closed, against before they opened
     * @param settled whether the library went quiet every time the round waited for it
     */
    record Measured(int threadsAtRest, int threadsWaiting, int peakThreads, Map<String, Integer> newThreadsByName,
            double heapPerWaiter, double issueMillis, double serveMillis, int threadsLeftAfterClose, boolean settled) {

        Measured afterClose(int threadsLeft) {
            return new Measured(threadsAtRest, threadsWaiting, peakThreads, newThreadsByName, heapPerWaiter, issueMillis,
                    serveMillis, threadsLeft, settled);
        }
    }

    private final Subject subject;
    private final Scenario scenario;
    private final int waiters;
    private final Duration lease;
    private final BenchmarkThreads benchmarkThreads;
    private final RedisProbe redis;
    private boolean settledEveryTime = true;

    /**
     * @param subject the library
     * @param scenario how the waiters share keys
     * @param waiters how many
     * @param lease every lock's lease or watchdog timeout: longer than the round, so that none ends in it
     * @param benchmarkThreads started before the round, for the holders' calls
     * @param redis the server's counters, to see when a library has gone quiet
     */
    WaitersRound(Subject subject, Scenario scenario, int waiters, Duration lease, BenchmarkThreads benchmarkThreads,
            RedisProbe redis) {
        this.subject = subject;
        this.scenario = scenario;
        this.waiters = waiters;
        this.lease = lease;
        this.benchmarkThreads = benchmarkThreads;
        this.redis = redis;
    }

    /**
     * @return what the round measured
     * @throws Exception when a lock failed, a waiter was served while its holder held the lock, or
     *     the waiters were not all served within five minutes
     */
    Measured run() throws Exception {
        int threadsAtStart = THREADS.getThreadCount();
        Measured measured = runOnNodes();
        return measured.afterClose(threadsLeftAfterClose(threadsAtStart));
    }

    private Measured runOnNodes() throws Exception {
        // a fresh name for every round: nothing a library left on the server from the last one is in the way
        String prefix = "waiters:" + UUID.randomUUID() + ":";
        String[] keys = new String[scenario.keys(waiters)];
        Arrays.setAll(keys, index -> prefix + index);
        // made before the heap is measured: the benchmark's own array, not the library's
        CompletableFuture<?>[] served = new CompletableFuture<?>[waiters];
        AtomicLong lastServedAt = new AtomicLong();
        Runnable noteServed = () -> lastServedAt.accumulateAndGet(System.nanoTime(), Math::max);
        try (LockClient holderNode = subject.open(lease)) {
            settle();
            int withHolderNode = THREADS.getThreadCount();
            try (AsyncWaiters waiterNode = AsyncWaiters.open(subject, lease, keys.length)) {
                // one waiter served first: what a library starts on its first asynchronous call is not per waiter
                waiterNode.lockThenUnlock(prefix + "first", waiters).toCompletableFuture()
                        .get(Loopback.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                List<LockClient.Held> holders = benchmarkThreads.callAll(Arrays.stream(keys)
                        .<Callable<LockClient.Held>>map(key -> () -> holderNode.lock(key)).toList());
                settle();
                int threadsBefore = THREADS.getThreadCount();
                int threadsAtRest = threadsBefore - withHolderNode;
                Map<String, Integer> namesBefore = threadsByName();
                long heapBefore = Heap.usedAfterGc();

                THREADS.resetPeakThreadCount();
                long issuing = System.nanoTime();
                for (int waiter = 0; waiter < waiters; waiter++) {
                    served[waiter] = waiterNode.lockThenUnlock(keys[scenario.keyOf(waiter)], waiter)
                            .thenRun(noteServed).toCompletableFuture();
                }
                double issueMillis = (System.nanoTime() - issuing) / 1e6;
                settle();
                requireNoneServed(served);
                int threadsWaiting = THREADS.getThreadCount() - threadsBefore;
                Map<String, Integer> newThreads = added(namesBefore, threadsByName());
                double heapPerWaiter = (double) (Heap.usedAfterGc() - heapBefore) / waiters;

                long releasing = System.nanoTime();
                benchmarkThreads.callAll(holders.stream().<Callable<Void>>map(holder -> () -> {
                    holder.unlock();
                    return null;
                }).toList());
                awaitAll(served);
                double serveMillis = (lastServedAt.get() - releasing) / 1e6;
                int peakThreads = THREADS.getPeakThreadCount() - threadsBefore;
                return new Measured(threadsAtRest, threadsWaiting, peakThreads, newThreads, heapPerWaiter, issueMillis,
                        serveMillis, 0, settledEveryTime);
            }
        }
    }

    /**
     * Waits until nothing happens: for {@value #QUIET_SAMPLES} looks in a row the server received
     * no command but the look's own, this JVM spent under a tenth of a core, and its thread count
     * stood still. Then every waiter has made its attempts and waits, whatever the library's way of
     * waiting; a library that polls never gets there, and the round goes on after a minute.
     */
    private void settle() throws InterruptedException {
        long giveUpAt = System.nanoTime() + SETTLE_BOUND.toNanos();
        double commands = redis.commandsProcessed();
        long cpu = OS.getProcessCpuTime();
        int threads = THREADS.getThreadCount();
        int quietSamples = 0;
        while (quietSamples < QUIET_SAMPLES) {
            if (System.nanoTime() > giveUpAt) {
                settledEveryTime = false;
                System.err.println("WARNING: " + subject.label() + " did not go quiet within " + SETTLE_BOUND
                        + " (" + scenario + ", " + waiters + " waiters): measuring as it is");
                return;
            }
            TimeUnit.MILLISECONDS.sleep(SETTLE_SAMPLE.toMillis());
            double commandsNow = redis.commandsProcessed();
            long cpuNow = OS.getProcessCpuTime();
            int threadsNow = THREADS.getThreadCount();
            boolean quiet = commandsNow - commands <= PROBE_COMMANDS_PER_SAMPLE
                    && cpuNow - cpu < IDLE_CPU_SHARE * SETTLE_SAMPLE.toNanos()
                    && threadsNow == threads;
            quietSamples = quiet ? quietSamples + 1 : 0;
            commands = commandsNow;
            cpu = cpuNow;
            threads = threadsNow;
        }
    }

    /** A waiter served while its holder still holds the lock would make every figure of the round meaningless. */
    private void requireNoneServed(CompletableFuture<?>[] served) throws Exception {
        for (CompletableFuture<?> waiter : served) {
            if (waiter.isDone()) {
                waiter.get(); // a failure says more than "served early"
                throw new IllegalStateException(subject.label() + " served a waiter while its holder held the lock");
            }
        }
    }

    private void awaitAll(CompletableFuture<?>[] served) throws Exception {
        try {
            CompletableFuture.allOf(served).get(SERVE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stuck) {
            long done = Arrays.stream(served).filter(CompletableFuture::isDone).count();
            throw new IllegalStateException(subject.label() + " served " + done + " of " + waiters + " waiters within "
                    + SERVE_BOUND, stuck);
        }
    }

    /** @return live threads by name without their numbers */
    private static Map<String, Integer> threadsByName() {
        Map<String, Integer> byName = new TreeMap<>();
        for (ThreadInfo thread : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0)) {
            if (thread != null) { // ended since the ids were read
                byName.merge(ServerCost.threadGroup(thread.getThreadName()), 1, Integer::sum);
            }
        }
        return byName;
    }

    private static Map<String, Integer> added(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> added = new TreeMap<>();
        after.forEach((name, count) -> {
            int more = count - before.getOrDefault(name, 0);
            if (more > 0) {
                added.put(name, more);
            }
        });
        return added;
    }

    /**
     * Gives the closed nodes' threads a few seconds to end (pools shut down, event loops close
     * with a quiet period), so that the next round's baseline does not shrink under it.
     *
     * @return how many more threads live than before the round opened its nodes
     */
    private static int threadsLeftAfterClose(int threadsAtStart) throws InterruptedException {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (THREADS.getThreadCount() > threadsAtStart && System.nanoTime() < giveUpAt) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return Math.max(0, THREADS.getThreadCount() - threadsAtStart);
    }
}
