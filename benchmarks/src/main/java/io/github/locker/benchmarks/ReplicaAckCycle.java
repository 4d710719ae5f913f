package io.github.locker.benchmarks;

import java.util.Map;
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
 * What {@code replicas-ack=1} costs an uncontended lock+unlock cycle on one thread: ours on a
 * primary that has one replica, without and with the acknowledgement, on the same servers. Not
 * named {@code ...Benchmark}, so {@link RunBenchmarks} (whose Redis has no replica) leaves it out;
 * {@link ReplicaAckRounds} starts the primary and its replica and runs it in alternating rounds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ReplicaAckCycle {
    /** How many replicas must acknowledge an acquisition: 0 (the default) or 1. */
    @Param({"0", "1"})
    public String replicasAck;

    private OursClient client;
    private final String key = "replica-ack:" + UUID.randomUUID();

    @Setup(Level.Trial)
    public void connect() {
        client = OursClient.redis(Loopback.redisUri(), Map.of("replicas-ack", replicasAck),
                UncontendedCycleBenchmark.LEASE);
    }

    @TearDown(Level.Trial)
    public void close() {
        client.close();
    }

    /**
     * One cycle on the thread's own key.
     *
     * @throws Exception when the cycle failed
     */
    @Benchmark
    @Threads(1)
    public void oneThread() throws Exception {
        client.lock(key).unlock();
    }
}
