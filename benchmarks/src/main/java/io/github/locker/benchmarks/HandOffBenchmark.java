package io.github.locker.benchmarks;

import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Item 3: hand-off under contention. 16 threads on two nodes (two clients, each with its own
 * connections: 8 threads each) take turns on one key. The score is cycles per second; the
 * hand-off latency, from the moment a holder calls unlock to the moment the next holder's lock
 * call returns, is recorded by the next holder (the lock guarantees it is alone in doing so), and
 * its median and 99th percentile are reported per measured iteration, with what each hand-off
 * cost the server (CPU; commands on Redis; round trips and raft proposals on etcd).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@Threads(HandOffBenchmark.THREADS)
public class HandOffBenchmark {
    static final int THREADS = 16;
    private static final int NODES = 2;
    /** Far more than a loopback run can hand off in one iteration; past it, samples are dropped and counted. */
    private static final int MAX_SAMPLES = 1 << 20;

    /** Which implementation: a {@link Subject} id. */
    @Param({"ours-redis", "redisson", "ours-etcd", "jetcd-lock"})
    public String subject;

    private final LockClient[] nodes = new LockClient[NODES];
    private final LongAdder cycles = new LongAdder();
    private RedisProbe redis;
    private Map<String, Double> serverAtStart;
    private final String key = "handoff:" + UUID.randomUUID();
    private final long[] samples = new long[MAX_SAMPLES];
    private final AtomicInteger sampled = new AtomicInteger();
    private volatile boolean measuring;
    /**
     * When the last holder called unlock; written and read only by holders of the lock. Volatile:
     * a lock on a server orders the two threads, but not in the Java memory model's eyes.
     */
    private volatile long unlockCalledAt;

    /** The node a thread runs on: threads alternate between the two. */
    @State(Scope.Thread)
    public static class Node {
        int index;

        @Setup(Level.Trial)
        public void pick(ThreadParams thread) {
            index = thread.getThreadIndex() % NODES;
        }
    }

    @Setup(Level.Trial)
    public void connect() {
        for (int i = 0; i < NODES; i++) {
            nodes[i] = Subject.of(subject).open(UncontendedCycleBenchmark.LEASE);
        }
        redis = Subject.of(subject).onRedis() ? new RedisProbe() : null;
    }

    @Setup(Level.Iteration)
    public void startIteration(IterationParams iteration) throws Exception {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        sampled.set(0);
        cycles.reset();
        unlockCalledAt = 0;
        serverAtStart = measuring ? serverTotals() : null;
    }

    /** @return the server's running totals: read once per iteration, they do not disturb the hand-offs */
    private Map<String, Double> serverTotals() throws Exception {
        return redis != null ? redis.totals() : EtcdProbe.read().totals();
    }

    @TearDown(Level.Iteration)
    public void report() throws Exception {
        int count = Math.min(sampled.get(), MAX_SAMPLES);
        if (!measuring || count == 0) {
            return;
        }
        double handOffs = cycles.sum();
        serverTotals().forEach((name, total) -> Figures.record(name + "/hand-off", (total - serverAtStart.get(name)) / handOffs));
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        Figures.record("hand-off p50 µs", sorted[count / 2] / 1_000.0);
        Figures.record("hand-off p99 µs", sorted[(int) Math.min(count - 1, Math.ceil(count * 0.99) - 1)] / 1_000.0);
        Figures.record("hand-offs dropped", Math.max(0, sampled.get() - MAX_SAMPLES));
    }

    @TearDown(Level.Trial)
    public void close() {
        Arrays.stream(nodes).forEach(LockClient::close);
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * One turn: wait for the lock, note how long ago the last holder let go, let go.
     *
     * @param node this thread's node
     * @throws Exception when the lock was not acquired within {@link Loopback#WAIT}
     */
    @Benchmark
    public void cycle(Node node) throws Exception {
        LockClient.Held held = nodes[node.index].lock(key);
        long acquiredAt = System.nanoTime();
        if (measuring && unlockCalledAt != 0) {
            int slot = sampled.getAndIncrement();
            if (slot < MAX_SAMPLES) {
                samples[slot] = acquiredAt - unlockCalledAt;
            }
        }
        cycles.increment();
        unlockCalledAt = System.nanoTime();
        held.unlock();
    }
}
