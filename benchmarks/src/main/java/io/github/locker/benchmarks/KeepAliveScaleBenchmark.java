package io.github.locker.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 4: many locks held with keep-alive. The set-up takes {@code held} locks (8 threads), the
 * benchmark holds them for three lease periods while the server counts what it receives, and
 * records: renewal round trips per second and per renewal tick (a third of the lease, every
 * subject's renewal period), all commands the server ran per second (on Redis including those run
 * inside scripts; on etcd every gRPC message received), keep-alive streams opened
 * (etcd), and heap per held lock (used heap after a full GC, before and after acquiring). Run
 * with 100 and 10,000 locks, the two say whether renewal traffic grows with the locks held. The
 * score itself is only the length of the window.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class KeepAliveScaleBenchmark {
    /** Short, so three periods fit the run; every subject renews at a third of it. */
    static final Duration LEASE = Duration.ofSeconds(3);
    private static final int PERIODS = 3;
    private static final int ACQUIRING_THREADS = 8;

    /** Which implementation: a {@link Subject} id. */
    @Param({"ours-redis", "redisson", "ours-etcd"})
    public String subject;

    /** How many locks are held at once. */
    @Param({"100", "10000"})
    public int held;

    private LockClient client;
    private final List<LockClient.Held> locks = new ArrayList<>();
    private EtcdProbe.Counters etcdBeforeAcquiring;

    @Setup(Level.Iteration)
    public void acquire() throws Exception {
        client = Subject.of(subject).open(LEASE);
        if (!Subject.of(subject).onRedis()) {
            etcdBeforeAcquiring = EtcdProbe.read();
        }
        long heapBefore = Heap.usedAfterGc();
        String run = "held:" + UUID.randomUUID() + ":";
        List<Callable<LockClient.Held>> acquisitions = new ArrayList<>();
        for (int i = 0; i < held; i++) {
            String key = run + i;
            acquisitions.add(() -> client.lock(key));
        }
        locks.addAll(onThreads(acquisitions));
        Figures.record("heap B/held lock", (double) (Heap.usedAfterGc() - heapBefore) / held);
    }

    /**
     * Holds the locks for three lease periods while the server counts.
     *
     * @throws Exception when the server could not be read
     */
    @Benchmark
    public void holdThreeLeasePeriods() throws Exception {
        Duration window = LEASE.multipliedBy(PERIODS);
        double seconds = window.toMillis() / 1_000.0;
        double ticks = window.toMillis() / (LEASE.toMillis() / 3.0);
        if (Subject.of(subject).onRedis()) {
            try (RedisProbe probe = new RedisProbe()) {
                probe.start(60 * held + 10_000);
                TimeUnit.MILLISECONDS.sleep(window.toMillis()); // the measurement is the passing of time
                RedisProbe.Executed executed = probe.stop();
                Figures.record("renewal round trips/s", executed.roundTrips() / seconds);
                Figures.record("round trips/renewal tick", executed.roundTrips() / ticks);
                Figures.record("server commands/s", (executed.roundTrips() + executed.inScripts()) / seconds);
                Figures.record("slow log overflowed", executed.full() ? 1 : 0);
            }
        } else {
            EtcdProbe.Counters before = EtcdProbe.read();
            TimeUnit.MILLISECONDS.sleep(window.toMillis());
            EtcdProbe.Counters after = EtcdProbe.read();
            EtcdProbe.Counters during = after.minus(before);
            Figures.record("renewal round trips/s", during.keepAliveMessages() / seconds);
            Figures.record("round trips/renewal tick", during.keepAliveMessages() / ticks);
            Figures.record("server commands/s", during.messagesReceived() / seconds);
            Figures.record("keep-alive streams opened", after.minus(etcdBeforeAcquiring).keepAliveStreams());
        }
    }

    @TearDown(Level.Iteration)
    public void release() throws Exception {
        try {
            onThreads(locks.stream().<Callable<Void>>map(lock -> () -> {
                lock.unlock();
                return null;
            }).toList());
        } finally {
            locks.clear();
            client.close();
        }
    }

    /** @return the results of {@code calls}, made on a few threads: one by one, 10,000 etcd calls take too long */
    private static <T> List<T> onThreads(List<Callable<T>> calls) throws Exception {
        try (BenchmarkThreads threads = new BenchmarkThreads("keep-alive-scale", ACQUIRING_THREADS)) {
            return threads.callAll(calls);
        }
    }
}
