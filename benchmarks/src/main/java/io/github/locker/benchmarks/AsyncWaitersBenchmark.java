package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 8: many concurrent asynchronous waiters, ours' {@code Locker.lockAsync} beside Redisson's
 * {@code RLock.lockAsync} on the same Redis. {@value #DEFAULT_WAITERS} waiters by default (system
 * property {@value #WAITERS_PROPERTY}, which {@code benchmarks/run.sh -Dlocker.bench.waiters=500}
 * hands on), either all on one key that one holder holds ({@link #oneKey}), or one on each of as
 * many keys, each held by a holder of its own ({@link #keyEach}). Each waiter releases the lock as
 * soon as it has it. A round of one library measures, as {@link WaitersRound} describes: the
 * library's threads (live threads while all wait, less before they were issued; and the peak until
 * the last is served), the heap per waiter (after full GC, while all wait, less before), and the
 * time to serve them all (from the holders' release until the last waiter has taken and released
 * its lock). Leases are five minutes, kept alive, and the waits unbounded: nothing ends in a round.
 *
 * <p><b>Why JMH, and a round of each library per iteration.</b> The run's other measures are JMH
 * forks on the servers {@link RunBenchmarks} starts, and {@link Report} reads their figures per
 * measured iteration; this one is too, so its rows come out of the same run and rule. A round is a
 * one-shot measurement, set-up included (the holders, then thousands of waiters that can be
 * served only once), hence {@link Mode#SingleShotTime}: one call per iteration. Each iteration
 * runs a round of ours, then one of Redisson, in the same JVM: the rounds alternate ours,
 * Redisson, ours, Redisson, so a change in the shared machine's load falls on both alike, where a
 * JMH parameter would run all of one library's iterations before the other's. JMH's score is
 * therefore the length of the two rounds, set-up included, and measures nothing; the measures are
 * the figures each measured iteration records (see {@link #figure}), of which the report takes
 * the median and the lowest and highest.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
// today's lockAsync starts a thread per waiter: 10,000 of them on 2 cores take a while
@Timeout(time = 30, timeUnit = TimeUnit.MINUTES)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class AsyncWaitersBenchmark {
    static final String WAITERS_PROPERTY = "locker.bench.waiters";
    static final int DEFAULT_WAITERS = 10_000;
    /** The libraries compared, in the order each iteration runs their rounds. */
    static final List<Subject> SUBJECTS = List.of(Subject.OURS_REDIS, Subject.REDISSON);
    /** Far longer than a round: no lease is renewed or ends, and no waiter wakes up to look at one, while it runs. */
    static final Duration LEASE = Duration.ofMinutes(5);

    /** How many waiters each round issued: one figure of the run, not per library. */
    static final String WAITERS_FIGURE = "waiters";
    /** The figures of each library's round, named by {@link #figure}. */
    static final String THREADS_WAITING = "threads added while all wait";
    static final String PEAK_THREADS = "peak threads added until all served";
    static final String HEAP_PER_WAITER = "heap B/waiter";
    static final String SERVE_MILLIS = "ms to serve all";
    static final String ISSUE_MILLIS = "ms to issue all";
    static final String THREADS_AT_REST = "threads of the waiters' node at rest";
    static final String THREADS_LEFT = "threads left after close";
    static final String NOT_SETTLED = "rounds not gone quiet";
    /** The prefix of {@link #THREADS_WAITING} by thread name, without numbers. */
    static final String NEW_THREADS = "threads added while all wait in ";

    /**
     * Ours' unlocks and the holders' calls block, and run on these (started before any count);
     * 16 lets as many unlocks be on their way at once, which Redisson's asynchronous unlock needs no thread for.
     */
    private static final int BENCHMARK_THREADS = 16;

    private int waiters;
    private BenchmarkThreads benchmarkThreads;
    private RedisProbe redis;

    @Setup(Level.Trial)
    public void start() {
        waiters = Integer.getInteger(WAITERS_PROPERTY, DEFAULT_WAITERS);
        if (waiters < 1) {
            throw new IllegalArgumentException("-D" + WAITERS_PROPERTY + " must be at least 1, was " + waiters);
        }
        benchmarkThreads = new BenchmarkThreads("waiters-benchmark", BENCHMARK_THREADS);
        redis = new RedisProbe();
    }

    @TearDown(Level.Trial)
    public void stop() {
        benchmarkThreads.close();
        redis.close();
    }

    /**
     * A round of each library with every waiter on one key.
     *
     * @throws Exception when a round failed
     */
    @Benchmark
    public void oneKey() throws Exception {
        roundOfEach(WaitersRound.Scenario.ONE_KEY);
    }

    /**
     * A round of each library with a key of its own for each waiter.
     *
     * @throws Exception when a round failed
     */
    @Benchmark
    public void keyEach() throws Exception {
        roundOfEach(WaitersRound.Scenario.KEY_EACH);
    }

    private void roundOfEach(WaitersRound.Scenario scenario) throws Exception {
        Figures.record(WAITERS_FIGURE, waiters);
        for (Subject subject : SUBJECTS) {
            record(subject, new WaitersRound(subject, scenario, waiters, LEASE, benchmarkThreads, redis).run());
        }
    }

    /**
     * @param subject one of {@link #SUBJECTS}
     * @param measure one of the figure names above
     * @return the name of that library's figure
     */
    static String figure(Subject subject, String measure) {
        return subject.figure(measure);
    }

    private static void record(Subject subject, WaitersRound.Measured round) {
        Figures.record(figure(subject, THREADS_WAITING), round.threadsWaiting());
        Figures.record(figure(subject, PEAK_THREADS), round.peakThreads());
        Figures.record(figure(subject, HEAP_PER_WAITER), round.heapPerWaiter());
        Figures.record(figure(subject, SERVE_MILLIS), round.serveMillis());
        Figures.record(figure(subject, ISSUE_MILLIS), round.issueMillis());
        Figures.record(figure(subject, THREADS_AT_REST), round.threadsAtRest());
        Figures.record(figure(subject, THREADS_LEFT), round.threadsLeftAfterClose());
        Figures.record(figure(subject, NOT_SETTLED), round.settled() ? 0 : 1);
        round.newThreadsByName().forEach((name, count) -> Figures.record(figure(subject, NEW_THREADS + name), count));
    }
}
