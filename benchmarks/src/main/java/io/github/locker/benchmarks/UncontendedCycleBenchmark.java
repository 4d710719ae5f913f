package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Items 1 and 2: one uncontended lock+unlock cycle, each thread on its own key, for ours and its
 * baselines on Redis and on etcd. The score is the time of one cycle as each thread sees it
 * (throughput = threads / score). After the measurement, 1,000 more cycles on one thread are
 * watched from the server, to say where the time goes: round trips and, on Redis, server time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(1)
public class UncontendedCycleBenchmark {
    /** Long enough that no lease ends during a run; the same for every subject. */
    static final Duration LEASE = Duration.ofSeconds(30);

    /** Which implementation: a {@link Subject} id. */
    @Param({"ours-redis", "floor-redis", "redisson", "shedlock-redis", "ours-etcd", "floor-etcd", "jetcd-lock"})
    public String subject;

    private LockClient client;

    /** Each thread's own key: nobody else ever asks for it. */
    @State(Scope.Thread)
    public static class OwnKey {
        final String key = "uncontended:" + UUID.randomUUID();
    }

    @Setup(Level.Trial)
    public void connect() {
        client = Subject.of(subject).open(LEASE);
    }

    @TearDown(Level.Trial)
    public void probeAndClose() throws Exception {
        try {
            ServerCost.recordCycles(Subject.of(subject), client);
        } finally {
            client.close();
        }
    }

    /**
     * @param own this thread's key
     * @throws Exception when the cycle failed
     */
    @Benchmark
    @Threads(1)
    public void oneThread(OwnKey own) throws Exception {
        client.lock(own.key).unlock();
    }

    /**
     * @param own this thread's key
     * @throws Exception when the cycle failed
     */
    @Benchmark
    @Threads(8)
    public void eightThreads(OwnKey own) throws Exception {
        client.lock(own.key).unlock();
    }
}
