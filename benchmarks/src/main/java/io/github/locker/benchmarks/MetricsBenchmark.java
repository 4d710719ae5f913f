package io.github.locker.benchmarks;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Item 6: what the lockers' Micrometer meters cost an acquisition. Ours on Redis runs the
 * uncontended lock+unlock cycle of {@link UncontendedCycleBenchmark} (each thread on its own key)
 * with Micrometer on the class path in both variants: {@code registry=none} adds no registry to
 * {@link Metrics#globalRegistry}, what an application without a metrics backend pays;
 * {@code registry=prometheus} adds a {@link PrometheusMeterRegistry}, so every timer, counter and the
 * gauge really record. The score is the time of one cycle as each thread sees it. Besides it, each
 * measured iteration records the CPU time per cycle of this JVM's Java threads, in all and of the
 * benchmark threads alone (where the meters record): CPU moves less than wall time with the
 * machine's load, and leaving out the JIT compiler's threads leaves out its late compilations. The
 * trial ends with the probe of {@link ServerCost#recordCycles} (server CPU, round trips).
 *
 * <p>The run fails unless the meters were really there: in both variants the locker registered
 * {@code locker.acquire} (the Micrometer path, not the no-op one), and with Prometheus a scrape at the
 * end shows acquisitions counted.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
// the JIT still compiles the client's paths after 3 s of one thread's cycles, and its work showed in the CPU figures
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MetricsBenchmark {
    /** The figures each measured iteration records: CPU of all Java threads, and of the benchmark's own. */
    static final String CPU_FIGURE = "iteration Java threads' CPU µs/cycle";
    static final String CALLERS_CPU_FIGURE = "iteration benchmark threads' CPU µs/cycle";
    /** What the scrape shows for acquisitions that took the lock, with their count. */
    private static final Pattern ACQUIRED_COUNT =
            Pattern.compile("^locker_acquire_seconds_count\\{[^}]*outcome=\"acquired\"[^}]*} (\\S+)$", Pattern.MULTILINE);

    /** {@code none}: Micrometer without a registry; {@code prometheus}: a Prometheus registry added. */
    @Param({"none", "prometheus"})
    public String registry;

    private PrometheusMeterRegistry prometheus;
    private LockClient client;
    /** Cycles of every thread in this iteration, to divide the iteration's CPU by; a LongAdder so threads do not contend on it. */
    private final LongAdder cycles = new LongAdder();
    private Map<Long, Long> cpuAtIterationStart;

    @Setup(Level.Trial)
    public void connect() {
        if ("prometheus".equals(registry)) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Metrics.addRegistry(prometheus);
        }
        client = Subject.OURS_REDIS.open(UncontendedCycleBenchmark.LEASE);
        if (Metrics.globalRegistry.find("locker.acquire").tag("locker", "bench").meters().isEmpty()) {
            throw new IllegalStateException("the locker registered no locker.acquire timer: it does not record to Micrometer,"
                    + " so this run would measure nothing of the meters' cost");
        }
    }

    @Setup(Level.Iteration)
    public void startCounting() {
        cycles.reset();
        cpuAtIterationStart = ServerCost.threadCpu();
    }

    @TearDown(Level.Iteration)
    public void recordCpu() {
        // JMH keeps the threads cycling while it starts and stops them: those cycles are counted too
        Map<String, Double> byGroup = ServerCost.cpuByThreadGroup(cpuAtIterationStart, cycles.sum());
        Figures.record(CPU_FIGURE, byGroup.values().stream().mapToDouble(Double::doubleValue).sum());
        Figures.record(CALLERS_CPU_FIGURE, byGroup.entrySet().stream().filter(group -> group.getKey().endsWith("jmh-worker"))
                .mapToDouble(Map.Entry::getValue).sum());
    }

    @TearDown(Level.Trial)
    public void probeAndClose() throws Exception {
        try {
            ServerCost.recordCycles(Subject.OURS_REDIS, client);
            if (prometheus != null) {
                Figures.recordOnce(Map.of("acquisitions the Prometheus scrape counted", acquisitionsScraped()));
            }
        } finally {
            client.close();
            if (prometheus != null) {
                Metrics.removeRegistry(prometheus);
                prometheus.close();
            }
        }
    }

    /** @return the scraped count of acquisitions that took the lock, which must be positive */
    private double acquisitionsScraped() {
        String scrape = prometheus.scrape();
        Matcher count = ACQUIRED_COUNT.matcher(scrape);
        double acquired = count.find() ? Double.parseDouble(count.group(1)) : 0;
        if (acquired <= 0) {
            throw new IllegalStateException("the Prometheus scrape shows no acquisition counted, so the meters did not record:\n"
                    + scrape);
        }
        return acquired;
    }

    /**
     * @param own this thread's key
     * @throws Exception when the cycle failed
     */
    @Benchmark
    @Threads(1)
    public void oneThread(UncontendedCycleBenchmark.OwnKey own) throws Exception {
        cycle(own);
    }

    /**
     * @param own this thread's key
     * @throws Exception when the cycle failed
     */
    @Benchmark
    @Threads(8)
    public void eightThreads(UncontendedCycleBenchmark.OwnKey own) throws Exception {
        cycle(own);
    }

    private void cycle(UncontendedCycleBenchmark.OwnKey own) throws Exception {
        client.lock(own.key).unlock();
        cycles.increment();
    }
}
