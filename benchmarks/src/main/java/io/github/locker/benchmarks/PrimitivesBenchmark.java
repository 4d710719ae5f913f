package io.github.locker.benchmarks;

import io.github.locker.LockMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * Issue 17, item 8: the read-write lock and the leased semaphore, ours beside Redisson on the same
 * Redis, uncontended: a shared hold and its release ({@link Primitive#SHARED}, against
 * {@code RReadWriteLock.readLock()}), an exclusive hold of a read-write lock and its release
 * ({@link Primitive#EXCLUSIVE}: ours' plain lock, which is the write side, against
 * {@code RReadWriteLock.writeLock()}), and a permit's acquisition and release
 * ({@link Primitive#PERMIT}, against {@code RPermitExpirableSemaphore}), on 1 and 8 threads.
 *
 * <p>Locks get the lease of {@link UncontendedCycleBenchmark#LEASE}, kept alive (ours' keep-alive,
 * Redisson's watchdog set to it), as in that benchmark. Permits get the same lease, fixed: Redisson's
 * semaphore has no watchdog, so ours' keep-alive is off too, and the lease is far longer than a
 * cycle, so no permit expires and neither library ever finds one to clean up. For locks each
 * thread has its own key; for permits all threads share one semaphore of {@value #PERMITS}, at
 * least one for each thread, so nobody waits for a permit either.
 *
 * <p><b>Rounds by turns.</b> As in {@link AsyncWaitersBenchmark}, one fork holds both libraries,
 * and each JMH iteration is a round in which each library cycles for the same window
 * ({@value #DEFAULT_WINDOW_MILLIS} ms by default, system property {@value #WINDOW_PROPERTY}) on its
 * own threads, one library after the other, who goes first changing from one round to the next,
 * so that a change in the shared machine's load falls on both alike. JMH's score is the length of the
 * round and measures nothing; each library's cycles per second in each measured round are figures
 * (see {@link Subject#figure}), of which the report takes the median and the lowest and highest; so
 * is their ratio within each round, which the report shows beside its verdict, not in place of it.
 * The trial ends with 1,000 more cycles of each library on one thread, watched from the server
 * (round trips, commands by name, those scripts ran too, server CPU) by {@link ServerCost}.
 *
 * <p>{@code -D}{@value #SUBJECTS_PROPERTY}{@code =redisson} (or {@code =ours-redis}) runs one
 * library alone: to check the harness while the other cannot run, with no verdict in any row.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class PrimitivesBenchmark {
    static final String SUBJECTS_PROPERTY = "locker.bench.primitives.subjects";
    static final String WINDOW_PROPERTY = "locker.bench.primitives.window.ms";
    static final int DEFAULT_WINDOW_MILLIS = 2_000;
    /** The libraries compared. */
    static final List<Subject> SUBJECTS = List.of(Subject.OURS_REDIS, Subject.REDISSON);
    /** Each semaphore's count: as many as the most threads, so that no acquisition waits. */
    static final int PERMITS = 8;
    /** Each library's cycles per second in a round, a figure per library. */
    static final String CYCLES_PER_SECOND = "cycles/s";
    /** Ours' cycles per second over Redisson's in the same round, when both ran. */
    static final String RATIO_FIGURE = "ours / Redisson cycles/s within a round";
    /** How long each library cycles in a round: one figure of the run. */
    static final String WINDOW_FIGURE = "ms each library cycles per round";
    private static final int PROBED_CYCLES = 1_000;

    /** What a cycle takes and gives back; JMH's {@code primitive} parameter by name. */
    public enum Primitive {
        SHARED("uncontended shared lock+unlock, a key per thread", "Redisson RReadWriteLock.readLock()"),
        EXCLUSIVE("uncontended exclusive lock+unlock of a read-write lock (ours: the plain lock), a key per thread",
                "Redisson RReadWriteLock.writeLock()"),
        PERMIT("permit acquire+release, one semaphore of " + PERMITS + " for all threads, fixed "
                + UncontendedCycleBenchmark.LEASE.toSeconds() + " s lease", "Redisson RPermitExpirableSemaphore");

        /** What the report says a cycle is, and what it calls Redisson's counterpart. */
        final String measure;
        final String redisson;

        Primitive(String measure, String redisson) {
            this.measure = measure;
            this.redisson = redisson;
        }

        /** @return a node of the library whose {@link LockClient#lock} takes this primitive's hold of a key */
        LockClient open(Subject subject) {
            Duration lease = UncontendedCycleBenchmark.LEASE;
            return switch (subject) {
                case OURS_REDIS -> switch (this) {
                    case SHARED -> OursClient.redis(lease, options -> options.withMode(LockMode.SHARED));
                    case EXCLUSIVE -> OursClient.redis(lease);
                    case PERMIT -> OursClient.redis(lease, options -> options.withPermits(PERMITS).withKeepAlive(false));
                };
                case REDISSON -> switch (this) {
                    case SHARED -> RedissonLocks.readLocks(lease);
                    case EXCLUSIVE -> RedissonLocks.writeLocks(lease);
                    case PERMIT -> RedissonLocks.permits(lease, PERMITS);
                };
                default -> throw new IllegalArgumentException(subject.label() + " is not compared here");
            };
        }
    }

    /** Which primitive: every one of {@link Primitive}. */
    @Param
    public Primitive primitive;

    /** How many threads cycle at once, each library's own. */
    @Param({"1", "8"})
    public int threads;

    private final Map<Subject, LockClient> clients = new LinkedHashMap<>();
    private BenchmarkThreads benchmarkThreads;
    private String[] keys;
    private Duration window;
    private int rounds;

    @Setup(Level.Trial)
    public void start() {
        window = Duration.ofMillis(Integer.getInteger(WINDOW_PROPERTY, DEFAULT_WINDOW_MILLIS));
        for (Subject subject : subjects()) {
            clients.put(subject, primitive.open(subject));
        }
        benchmarkThreads = new BenchmarkThreads("primitives-benchmark", threads);
        // a lock's key is its thread's own; a semaphore is one for all threads
        String prefix = "primitives:" + UUID.randomUUID() + ":";
        keys = new String[threads];
        Arrays.setAll(keys, thread -> prefix + (primitive == Primitive.PERMIT ? "semaphore" : thread));
    }

    private static List<Subject> subjects() {
        String chosen = System.getProperty(SUBJECTS_PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            return SUBJECTS;
        }
        List<Subject> subjects = Arrays.stream(chosen.split(",")).map(String::trim).map(Subject::of).toList();
        if (!SUBJECTS.containsAll(subjects)) {
            throw new IllegalArgumentException("-D" + SUBJECTS_PROPERTY + " may name " + SUBJECTS.stream().map(Subject::id)
                    .collect(Collectors.joining(", ")) + " only, was " + chosen);
        }
        return subjects;
    }

    @TearDown(Level.Trial)
    public void probeAndClose() throws Exception {
        try {
            Map<String, Double> figures = new LinkedHashMap<>(Map.of(WINDOW_FIGURE, (double) window.toMillis()));
            for (Map.Entry<Subject, LockClient> client : clients.entrySet()) {
                String key = "probe:" + UUID.randomUUID();
                ServerCost.withCommands(client.getKey(), PROBED_CYCLES, () -> client.getValue().lock(key).unlock())
                        .forEach((name, value) -> figures.put(client.getKey().figure(name), value));
            }
            Figures.recordOnce(figures);
        } finally {
            clients.values().forEach(LockClient::close);
            benchmarkThreads.close();
        }
    }

    /**
     * A round: each library's threads cycle for the window, one library after the other; the
     * other one goes first in the next round.
     *
     * @throws Exception when a cycle failed
     */
    @Benchmark
    public void roundOfEach() throws Exception {
        List<Subject> order = new ArrayList<>(clients.keySet());
        if (rounds++ % 2 == 1) {
            Collections.reverse(order);
        }
        Map<Subject, Double> rates = new EnumMap<>(Subject.class);
        for (Subject subject : order) {
            rates.put(subject, cyclesPerSecond(clients.get(subject)));
            Figures.record(subject.figure(CYCLES_PER_SECOND), rates.get(subject));
        }
        if (rates.keySet().containsAll(SUBJECTS)) {
            Figures.record(RATIO_FIGURE, rates.get(Subject.OURS_REDIS) / rates.get(Subject.REDISSON));
        }
    }

    /** @return the cycles per second of all threads together: the sum of each thread's cycles over its own time */
    private double cyclesPerSecond(LockClient client) throws Exception {
        long windowNanos = window.toNanos();
        List<Callable<Double>> calls = Arrays.stream(keys).<Callable<Double>>map(key -> () -> {
            long cycles = 0;
            long started = System.nanoTime();
            long now;
            do {
                client.lock(key).unlock();
                cycles++;
                now = System.nanoTime();
            } while (now - started < windowNanos);
            return cycles * 1e9 / (now - started);
        }).toList();
        return benchmarkThreads.callAll(calls).stream().mapToDouble(Double::doubleValue).sum();
    }
}
